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
            // A database a newer paperboy migrated is refused here as by every command (NewerSchemaException, exit 1).
            var applied = await database.MigrateAsync(ct);
            int version;
            await using (var connection = await database.OpenAsync(ct))
                version = await Database.SchemaVersionAsync(connection, null, ct);
            Console.WriteLine(applied.Count == 0
                ? $"schema up to date at {Version(version)}"
                : $"applied {applied.Count} migration{(applied.Count == 1 ? "" : "s")} ({string.Join(", ", applied.Select(m => $"{Version(m.Version)}_{m.Name}"))}); schema at {Version(version)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    static string Version(int version) => version.ToString("0000", System.Globalization.CultureInfo.InvariantCulture);
}
