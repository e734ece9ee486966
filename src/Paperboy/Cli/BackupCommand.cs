using System.CommandLine;
using Paperboy.Storage;

namespace Paperboy.Cli;

/// <summary>
/// <c>paperboy backup --output FILE</c>: an online copy of the SQLite database, safe while <c>serve</c>
/// runs. PostgreSQL has its own tools (<c>pg_dump</c>); <c>paperboy export</c> works on both engines.
/// </summary>
static class BackupCommand
{
    public static Command Build()
    {
        var output = new Option<string>("--output", "-o") { Description = "The backup file to write (a SQLite database)", Required = true };
        var command = new Command("backup", "Copy the SQLite database while the site runs (PostgreSQL: use pg_dump)") { output };
        command.SetAction(async (result, ct) =>
        {
            var database = Database.FromOptions(CliApp.Options(result));
            if (database.Dialect is not SqliteDialect sqlite)
                throw new UsageException("backup copies the embedded SQLite database; for PostgreSQL use pg_dump (see docs/OPERATIONS.md) or paperboy export");
            if (!File.Exists(sqlite.Path)) throw new UsageException($"{sqlite.Path}: no database to back up");
            var path = Path.GetFullPath(result.GetValue(output)!);
            CliApp.CheckOutputFile(path);
            if (path == Path.GetFullPath(sqlite.Path)) throw new UsageException($"{path}: is the live database itself");
            // Written aside and renamed when complete, so FILE is never half a database.
            var partial = path + ".partial";
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                File.Delete(partial);
                await sqlite.BackupAsync(partial, ct);
                File.Move(partial, path, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                File.Delete(partial);
                throw new UsageException($"{path}: cannot write the backup: {ex.Message}");
            }
            Console.WriteLine(FormattableString.Invariant($"backed up {sqlite.Path} to {path} ({new FileInfo(path).Length / 1024.0 / 1024.0:0.0} MB) in {clock.Elapsed.TotalSeconds:0.0} s"));
            return ExitCodes.Ok;
        });
        return command;
    }
}
