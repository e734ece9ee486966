using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Paperboy.Private;

/// <summary>
/// Reads a PDF in a child process: this same program, started as <c>paperboy read-pdf</c> (a hidden command), with
/// the PDF on its standard input and what it read as one JSON object on its standard output. The child runs with a
/// hard limit on its managed heap (<c>DOTNET_GCHeapHardLimit</c>, <see cref="PdfText.ReaderHeapLimit"/>) and is
/// killed, with anything it started, when the read is cancelled (the time limit, a request gone). PdfPig cannot be
/// interrupted and holds decoded streams whole; in here a PDF that makes it allocate without end, loop, or overflow
/// its stack costs one child process, never the site.
/// <para>
/// The child is found as the program was started: the <c>paperboy</c> executable itself (the published binary, or
/// what <c>dotnet run</c> starts), or else <c>dotnet</c> with <c>paperboy.dll</c> (the tests, which load the app
/// into their own process: the build puts paperboy.dll and its runtimeconfig next to them).
/// </para>
/// </summary>
public sealed class PdfReaderProcess(long heapLimit)
{
    public const string Command = "read-pdf";
    /// <summary>The child's exit code when it ran out of memory under its limit.</summary>
    const int OutOfMemoryExit = 9;
    /// <summary>What the child may write: the text is capped at <see cref="PdfText.MaxTextChars"/>, escaped at most six bytes a character.</summary>
    const int MaxAnswerBytes = 8 * 1024 * 1024;

    public static readonly PdfReaderProcess Default = new(PdfText.ReaderHeapLimit);

    /// <summary>Called with the child's process id once it runs (tests check that a killed reader is gone).</summary>
    internal Action<int>? Started { get; set; }

    sealed record Answer(string? Error, string? Title, string? Abstract, string? Text, int Pages);

    public async Task<PdfFacts> ReadAsync(byte[] pdf, CancellationToken ct)
    {
        using var process = new Process { StartInfo = StartInfo() };
        try
        {
            if (!process.Start()) throw new PdfUnavailableException(Unavailable);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            throw new PdfUnavailableException(Unavailable, e);
        }
        Started?.Invoke(process.Id);
        var output = ReadCappedAsync(process.StandardOutput.BaseStream, MaxAnswerBytes);
        var errors = ReadCappedAsync(process.StandardError.BaseStream, 64 * 1024);
        try
        {
            try
            {
                await process.StandardInput.BaseStream.WriteAsync(pdf, ct);
                process.StandardInput.Close();
            }
            catch (IOException) { } // the child ended before reading it all: its exit code says why
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
        finally
        {
            if (!process.HasExited) Kill(process);
        }

        var answer = await output;
        var stderr = System.Text.Encoding.UTF8.GetString(await errors);
        if (process.ExitCode == OutOfMemoryExit || stderr.Contains("OutOfMemory", StringComparison.Ordinal) || stderr.Contains("Out of memory", StringComparison.OrdinalIgnoreCase))
            throw new PdfRejectedException(PdfText.MemoryMessage);
        Answer? read = null;
        if (process.ExitCode == 0)
        {
            try { read = JsonSerializer.Deserialize<Answer>(answer); }
            catch (JsonException) { }
        }
        if (read is null)
            throw new PdfRejectedException("The PDF could not be read (the reader stopped on it). Save it again from its editor, or enter the details by hand.");
        if (read.Error is not null) throw new PdfRejectedException(read.Error);
        return new PdfFacts(read.Title, read.Abstract, read.Text ?? "", read.Pages);
    }

    const string Unavailable = "PDFs cannot be read on this server right now (the reader did not start). Enter the details by hand, or try again later.";

    static void Kill(Process process)
    {
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // it ended in between
        catch (Win32Exception) { }
        process.WaitForExit();
    }

    static async Task<byte[]> ReadCappedAsync(Stream stream, int cap)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk)) > 0)
            if (buffer.Length < cap) buffer.Write(chunk, 0, (int)Math.Min(read, cap - buffer.Length));
        return buffer.ToArray();
    }

    ProcessStartInfo StartInfo()
    {
        var (file, prefix) = Self();
        var start = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in prefix) start.ArgumentList.Add(argument);
        start.ArgumentList.Add(Command);
        // The limit is read in hexadecimal. Workstation GC: one small heap, not one per core under a shared limit.
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + heapLimit.ToString("X", System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment.Remove("DOTNET_GCHeapHardLimitPercent");
        return start;
    }

    /// <summary>How to start this program again: its own executable, or the .NET host with its dll.</summary>
    internal static (string File, string[] Arguments) Self()
    {
        var dll = typeof(PdfReaderProcess).Assembly.Location;
        var processPath = Environment.ProcessPath;
        // A single-file build has no dll path; the executable is the program.
        if (string.IsNullOrEmpty(dll)) return (processPath ?? throw new PdfUnavailableException(Unavailable), []);
        if (processPath is not null && string.Equals(Path.GetFileNameWithoutExtension(processPath), Path.GetFileNameWithoutExtension(dll), StringComparison.OrdinalIgnoreCase))
            return (processPath, []);
        return (DotnetHost(processPath), [dll]);
    }

    /// <summary>The <c>dotnet</c> host: the one running this process, the SDK's, the one of this runtime, or the one on PATH.</summary>
    static string DotnetHost(string? processPath)
    {
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (processPath is not null && string.Equals(Path.GetFileName(processPath), exe, StringComparison.OrdinalIgnoreCase)) return processPath;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        // .../dotnet/shared/Microsoft.NETCore.App/10.0.x/ → .../dotnet/dotnet
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var beside = Path.Combine(root, exe);
        return File.Exists(beside) ? beside : exe;
    }

    /// <summary>
    /// The child's side: reads the PDF from <paramref name="input"/>, checks and reads it, and writes the answer
    /// (what was read, or why not) to <paramref name="output"/>. Exit code 0 with an answer; <see cref="OutOfMemoryExit"/>
    /// when the heap limit was reached.
    /// </summary>
    public static async Task<int> ServeAsync(Stream input, Stream output, CancellationToken ct)
    {
        Answer answer;
        try
        {
            using var bytes = new MemoryStream();
            var chunk = new byte[64 * 1024];
            int read;
            while ((read = await input.ReadAsync(chunk, ct)) > 0)
            {
                bytes.Write(chunk, 0, read);
                if (bytes.Length > PdfText.MaxUploadBytes) throw new PdfRejectedException($"The PDF is larger than {PdfText.MaxUploadBytes / (1024 * 1024)} MB.");
            }
            var facts = PdfText.CheckAndExtract(bytes.ToArray());
            answer = new Answer(null, facts.Title, facts.Abstract, facts.Text, facts.Pages);
        }
        catch (PdfRejectedException e) { answer = new Answer(e.Message, null, null, null, 0); }
        catch (OutOfMemoryException) { return OutOfMemoryExit; }
        catch (InsufficientExecutionStackException) { answer = new Answer("The PDF could not be read (it is nested too deeply). Save it again from its editor, or enter the details by hand.", null, null, null, 0); }
        await JsonSerializer.SerializeAsync(output, answer, cancellationToken: ct);
        await output.FlushAsync(ct);
        return 0;
    }
}
