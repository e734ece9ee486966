using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using Paperboy.Storage;

namespace Paperboy.Cli;

/// <summary>
/// <c>paperboy export [--output FILE|-]</c>: the whole instance as JSON Lines (<see cref="InstanceExport"/>),
/// gzipped when FILE ends in .gz. <c>paperboy import FILE</c> restores it into an empty database of either engine.
/// </summary>
static class ExportCommand
{
    public static Command Build()
    {
        var output = new Option<string?>("--output", "-o") { Description = "File to write (.gz: gzipped); - or omitted: standard output" };
        var command = new Command("export", "Write the whole instance (papers, members, votes, comments, subscriptions, ...) as JSON Lines, to move it to another engine or machine") { output };
        command.SetAction(async (result, ct) =>
        {
            var path = result.GetValue(output) ?? "-";
            var toStdout = path == "-";
            if (toStdout && !Console.IsOutputRedirected)
                throw new UsageException("refusing to write an export to a terminal: pass --output FILE (e.g. paperboy.jsonl.gz) or redirect standard output");
            if (!toStdout) CliApp.CheckOutputFile(path);

            var database = CliApp.ExistingDatabase(result);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var progress = new TerminalProgress();
            IReadOnlyDictionary<string, long> counts;
            if (toStdout)
            {
                await using var stdout = new BufferedStream(Console.OpenStandardOutput(), 1 << 16);
                counts = await InstanceExport.ExportAsync(database, stdout, TimeProvider.System.GetUtcNow(), null, ct);
            }
            else
            {
                // Written aside and renamed when complete: FILE is never a half-written export.
                var partial = path + ".partial";
                try
                {
                    await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                    await using (var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                        ? new GZipStream(file, CompressionLevel.Fastest) : (Stream)file)
                    {
                        counts = await InstanceExport.ExportAsync(database, stream, TimeProvider.System.GetUtcNow(),
                            (table, rows) => progress.Report(string.Create(CultureInfo.InvariantCulture, $"{table}: {rows:N0} rows…")), ct);
                    }
                    File.Move(partial, path, overwrite: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    File.Delete(partial);
                    throw new UsageException($"{path}: cannot write: {ex.Message}");
                }
                catch
                {
                    File.Delete(partial);
                    throw;
                }
                progress.Clear();
            }
            // The summary goes to stderr when stdout carries the export itself.
            var summary = toStdout ? Console.Error : Console.Out;
            summary.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"exported {counts.Values.Sum():N0} rows ({Describe(counts)}) to {(toStdout ? "standard output" : path)} in {clock.Elapsed.TotalSeconds:0.0} s"));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The tables people care about first, then the rest that have rows.</summary>
    public static string Describe(IReadOnlyDictionary<string, long> counts) =>
        string.Join(", ", counts.Where(c => c.Value > 0).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value:N0}")));
}
