using System.CommandLine;
using Paperboy.Storage;

namespace Paperboy.Cli;

/// <summary>
/// <c>paperboy migrate</c>: applies pending schema migrations and says which. <c>serve</c> and the
/// other commands migrate on start too; this is for upgrading a database before starting anything.
/// </summary>
static class MigrateCommand
{
    public static Command Build()
    {
        var command = new Command("migrate", "Apply pending schema migrations to the configured database");
        command.SetAction(async (result, ct) =>
        {
            var database = Database.FromOptions(CliApp.Options(result));
            var applied = await database.MigrateAsync(ct);
            int version;
            await using (var connection = await database.OpenAsync(ct))
                version = await Database.SchemaVersionAsync(connection, null, ct);
            var known = database.Dialect.Migrations.Max(m => m.Version);
            if (version > known)
            {
                // A newer paperboy migrated this database; this one would misread it.
                Console.Error.WriteLine($"paperboy: the database schema is at {Version(version)}, newer than this paperboy knows ({Version(known)}); upgrade paperboy");
                return ExitCodes.Failure;
            }
            Console.WriteLine(applied.Count == 0
                ? $"schema up to date at {Version(version)}"
                : $"applied {applied.Count} migration{(applied.Count == 1 ? "" : "s")} ({string.Join(", ", applied.Select(m => $"{Version(m.Version)}_{m.Name}"))}); schema at {Version(version)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    static string Version(int version) => version.ToString("0000", System.Globalization.CultureInfo.InvariantCulture);
}
