using System.CommandLine;
using Paperboy.Ingestion;
using Paperboy.Storage;

namespace Paperboy.Cli;

static class ImportCommand
{
    public static Command Build()
    {
        var format = new Option<string?>("--format")
        {
            Description = "Input format: " + string.Join(", ", Importer.Readers.Keys.Append(FormatDetector.ExportFormat)) + " (auto-detected when omitted)",
        };
        var paths = new Argument<string[]>("paths") { Description = "Files to import (.gz is read transparently)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("import", "Import papers from files") { format, paths };
        command.SetAction(async (result, ct) =>
        {
            var formatName = result.GetValue(format);
            if (formatName is not null && formatName != FormatDetector.ExportFormat && !Importer.Readers.ContainsKey(formatName))
                throw new UsageException($"unknown format '{formatName}'; expected one of: {string.Join(", ", Importer.Readers.Keys.Append(FormatDetector.ExportFormat))}");
            var files = result.GetValue(paths) ?? [];
            // Every path is checked before anything is written, so an unreadable one changes nothing.
            foreach (var path in files)
            {
                if (Directory.Exists(path)) throw new UsageException($"{path}: is a directory (pass the files inside it, e.g. {path}/*.json)");
                try { using var _ = File.OpenRead(path); }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new UsageException($"{path}: cannot read: {ex.Message}");
                }
            }

            var database = Database.FromOptions(CliApp.Options(result));
            var exports = files.Where(f => (formatName ?? FormatDetector.Detect(f).Format) == FormatDetector.ExportFormat).ToList();
            if (exports.Count > 0)
            {
                if (files.Length > 1) throw new UsageException($"{exports[0]}: a whole-instance export is restored alone, into an empty database: pass only that file");
                return await RestoreAsync(database, exports[0], ct);
            }
            var interactive = !Console.IsOutputRedirected;
            var importer = new Importer(database)
            {
                Progress = interactive ? (path, records) => Console.Write($"\r{Path.GetFileName(path)}: {records:N0} records…   ") : null,
            };
            var summary = await importer.ImportAsync(files, formatName, Console.Error, ct: ct);
            if (interactive) Console.Write("\r\u001b[K");
            Console.WriteLine(summary);
            return summary.ExitCode;
        });
        return command;
    }

    /// <summary>A <c>paperboy export</c> file: all of it goes into an empty database, or none of it.</summary>
    static async Task<int> RestoreAsync(Database database, string path, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var progress = new TerminalProgress();
        IReadOnlyDictionary<string, long> counts;
        try
        {
            await using var stream = FormatDetector.Open(path);
            counts = await InstanceImport.RestoreAsync(database, stream, line => progress.Report($"{Path.GetFileName(path)}: line {line:N0}…"), ct);
        }
        catch (ExportFileException ex)
        {
            progress.Clear();
            Console.Error.WriteLine($"{path}:{ex.Line}: {ex.Message}");
            Console.Error.WriteLine("paperboy: nothing was imported");
            return ExitCodes.Usage;
        }
        catch (TargetNotEmptyException ex)
        {
            throw new UsageException(ex.Message);
        }
        progress.Clear();
        Console.WriteLine($"restored {ExportCommand.Describe(counts)}; the search index builds on `paperboy serve` or `paperboy reindex`");
        Console.WriteLine(new ImportSummary((int)counts["papers"], 0, 0, clock.Elapsed));
        return ExitCodes.Ok;
    }
}
