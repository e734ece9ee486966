using System.Diagnostics;

namespace Paperboy.Tests.Infrastructure;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs the real <c>paperboy</c> binary as a separate process, as a user would, on the data dir's
/// database of the engine under test (<see cref="TestEngine"/>).
/// </summary>
public static class PaperboyCli
{
    static readonly string Dll = System.IO.Path.Combine(AppContext.BaseDirectory, "paperboy.dll");

    public static Task<CliResult> RunAsync(string dataDir, params string[] args) =>
        RunAsync(dataDir, new Dictionary<string, string?>(), args);

    /// <summary>Runs with extra environment variables (a null value removes one).</summary>
    public static async Task<CliResult> RunAsync(string dataDir, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = StartInfo(dataDir, environment, args);
        start.RedirectStandardInput = true;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(cts.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// How to start the binary on a data dir, for tests that manage the process themselves (e.g. kill it midway).
    /// A null data dir passes no --data: the binary uses ./paperboy-data of the working directory, as a user typing it.
    /// </summary>
    public static ProcessStartInfo StartInfo(string? dataDir, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        if (dataDir is not null)
        {
            start.ArgumentList.Add("--data");
            start.ArgumentList.Add(dataDir);
        }
        // The database of the data dir on the engine under test, unless the test chose one.
        start.Environment.Remove("PAPERBOY_DATABASE");
        if (dataDir is not null && !environment.ContainsKey("PAPERBOY_DATABASE") && !args.Contains("--database") && TestEngine.DatabaseUrl(dataDir) is { } url)
            start.Environment["PAPERBOY_DATABASE"] = url;
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        return start;
    }
}
