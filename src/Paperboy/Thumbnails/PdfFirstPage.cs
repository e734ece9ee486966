using System.Diagnostics;
using System.Text;
using SkiaSharp;

namespace Paperboy.Thumbnails;

/// <summary>
/// Renders page 1 of a PDF to a PNG with poppler's <c>pdftoppm</c>, run as a child process: in a directory of its
/// own that is always removed, with a time limit after which it is killed, and its refusal (a broken, truncated
/// or password-protected PDF) turned into a reason. The PNG then goes through <see cref="ThumbnailImage"/> like
/// any downloaded picture, so the same size limits and the same WebP come out.
/// </summary>
public static class PdfFirstPage
{
    /// <summary>The renderer's full path: <paramref name="command"/> itself when it has a slash, else found on PATH; null when absent.</summary>
    public static string? Locate(string command)
    {
        if (command.Contains('/')) return File.Exists(command) ? command : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// The first page as PNG bytes, or why not; never throws for what the PDF does. A renderer that cannot be
    /// started at all throws: that is the machine's fault, not the paper's, so the paper is not marked.
    /// </summary>
    public static async Task<(byte[]? Png, string? Error)> RenderAsync(byte[] pdf, string renderer, PdfThumbnails settings, CancellationToken ct)
    {
        if (NotAPdf(pdf) is { } notPdf) return (null, notPdf);
        // Only this user may read it: the PDF and its page are no one else's business on a shared machine.
        var name = Path.Combine(settings.WorkRoot, "paperboy-pdf-" + Guid.NewGuid().ToString("N"));
        var work = OperatingSystem.IsWindows() ? Directory.CreateDirectory(name)
            : Directory.CreateDirectory(name, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var input = Path.Combine(work.FullName, "paper.pdf");
            await File.WriteAllBytesAsync(input, pdf, ct);
            var (exit, errors) = await RunAsync(renderer, work.FullName, settings.RenderTimeout, ct,
                "-f", "1", "-l", "1", "-png", "-scale-to", settings.Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-singlefile", input, Path.Combine(work.FullName, "page"));
            if (exit is null) return (null, $"pdftoppm did not finish in {settings.RenderTimeout.TotalSeconds:0.#} s and was stopped");
            var output = Path.Combine(work.FullName, "page.png");
            if (exit != 0 || !File.Exists(output))
                return (null, $"pdftoppm cannot render it (exit code {exit}{(errors.Length > 0 ? ": " + errors : "")})");
            var png = await File.ReadAllBytesAsync(output, ct);
            return Blank(png) ? (null, "the first page is blank") : (png, null);
        }
        finally
        {
            try { work.Delete(recursive: true); }
            catch (IOException) { } // a killed renderer's file still closing: the directory is in the temp folder, and tiny
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The spec lets <c>%PDF-</c> come anywhere in the first 1024 bytes; an error page served as .pdf does not have it.</summary>
    static string? NotAPdf(byte[] bytes)
    {
        var head = bytes.AsSpan(0, Math.Min(bytes.Length, 1024));
        if (head.IndexOf("%PDF-"u8) >= 0) return null;
        var start = Encoding.ASCII.GetString(head[..Math.Min(head.Length, 40)]);
        var shown = new string([.. start.Select(c => char.IsControl(c) || c > '~' ? '.' : c)]);
        return $"not a PDF ({bytes.Length:N0} bytes starting \"{shown}\")";
    }

    /// <summary>Runs the renderer; the exit code, or null when it ran out of time (then it and its children are killed).</summary>
    static async Task<(int? Exit, string Errors)> RunAsync(string file, string directory, TimeSpan limit, CancellationToken ct, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { } // it ended in between
            await process.WaitForExitAsync(CancellationToken.None);
            ct.ThrowIfCancellationRequested(); // shutting down: not the PDF's fault
            return (null, "");
        }
        await stdout;
        // poppler says one thing several times ("Syntax Error: Couldn't find trailer dictionary"): each line once, a few at most.
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().Take(3);
        var errors = string.Join("; ", lines);
        return (process.ExitCode, errors.Length > 300 ? errors[..300] + "…" : errors);
    }

    /// <summary>A page of one colour (nothing drawn, or a render that lost its content) is no picture of the paper.</summary>
    static bool Blank(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png);
        if (bitmap is null) return false; // not ours to judge: ThumbnailImage says what is wrong with it
        var first = bitmap.GetPixel(0, 0);
        for (var y = 0; y < bitmap.Height; y += 2)
            for (var x = 0; x < bitmap.Width; x += 2)
            {
                var p = bitmap.GetPixel(x, y);
                if (Math.Abs(p.Red - first.Red) + Math.Abs(p.Green - first.Green) + Math.Abs(p.Blue - first.Blue) > 24) return false;
            }
        return true;
    }
}
