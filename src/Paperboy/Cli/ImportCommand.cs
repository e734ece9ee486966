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
            Description = "Input format: " + string.Join(", ", Importer.Readers.Keys) + " (auto-detected when omitted)",
        };
        var paths = new Argument<string[]>("paths") { Description = "Files to import (.gz is read transparently)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("import", "Import papers from files") { format, paths };
        command.SetAction(async (result, ct) =>
        {
            var formatName = result.GetValue(format);
            if (formatName is not null && !Importer.Readers.ContainsKey(formatName))
                throw new UsageException($"unknown format '{formatName}'; expected one of: {string.Join(", ", Importer.Readers.Keys)}");
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
}
