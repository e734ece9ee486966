using Dapper;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Operations;

public sealed class MigrateCommandTests
{
    [Fact]
    public async Task MigrateAppliesPendingMigrationsOnceAndSaysWhich()
    {
        CliResult? first = null, second = null;
        await using var app = await TestInstance.StartAfterAsync(TestInstance.DefaultEngine, async t =>
        {
            if (TestEngine.IsPostgres)
            {
                // Test databases are copied from a migrated template: start this one from nothing.
                await using var c = await t.Database.OpenAsync();
                await c.ExecuteAsync("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
            }
            first = await PaperboyCli.RunAsync(t.DataDir, t.CliEnvironment, "migrate");
            second = await PaperboyCli.RunAsync(t.DataDir, t.CliEnvironment, "migrate");
        });
        var latest = app.Database.Dialect.Migrations[^1];
        var head = $"{latest.Version:0000}";
        Assert.Equal(0, first!.ExitCode);
        Assert.Equal(
            $"applied {app.Database.Dialect.Migrations.Count} migrations ({string.Join(", ", app.Database.Dialect.Migrations.Select(m => $"{m.Version:0000}_{m.Name}"))}); schema at {head}\n",
            first.Stdout);
        Assert.Equal(0, second!.ExitCode);
        Assert.Equal($"schema up to date at {head}\n", second.Stdout);
        await using var c = await app.Database.OpenAsync();
        Assert.Equal(app.Database.Dialect.Migrations.Count, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task MigrateRefusesADatabaseANewerPaperboyMigrated()
    {
        await using var app = await TestInstance.StartAsync();
        await using (var c = await app.Database.OpenAsync())
            await c.ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', '2030-01-01T00:00:00Z')");
        var result = await PaperboyCli.RunAsync(app.DataDir, app.CliEnvironment, "migrate");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("newer than this paperboy knows", result.Stderr, StringComparison.Ordinal);

        // Not only migrate: every command that opens the database refuses it, before reading or writing anything
        // (import and users create once wrote into it, and serve started on it).
        using var dir = new TempDir();
        var file = dir.File("one.jsonl");
        await File.WriteAllTextAsync(file, """{"id":"2611.00077","title":"A paper","published":"2026-11-20"}""" + "\n");
        foreach (var command in new[] { new[] { "stats" }, ["search", "x"], ["import", file], ["users", "create", "--email", "new@example.org"],
                     ["export", "--output", dir.File("x.jsonl")], ["serve", "--urls", "http://127.0.0.1:0"] })
        {
            var refused = await PaperboyCli.RunAsync(app.DataDir, app.CliEnvironment, command);
            Assert.True(refused.ExitCode == 1, $"{command[0]}: exit {refused.ExitCode}\n{refused.Stderr}");
            Assert.Contains("paperboy: the database schema is at 9999, newer than this paperboy knows", refused.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", refused.Stderr, StringComparison.Ordinal);
        }
        await using var check = await app.Database.OpenAsync();
        Assert.Equal(0, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM papers WHERE id = '2611.00077'"));
        Assert.Equal(0, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users WHERE email = 'new@example.org'"));
    }

    [Fact]
    [Trait("Engine", "independent")] // the embedded engine's file
    public async Task CommandsThatOnlyReadRefuseADataDirectoryWithNoDatabaseInsteadOfMakingAnEmptyOne()
    {
        // A mistyped --data: export wrote an empty instance and exited 0, stats reported zeros.
        using var dir = new TempDir();
        var typo = dir.File("paperbot-data");
        var embedded = new Dictionary<string, string?> { ["PAPERBOY_DATABASE"] = null };
        foreach (var command in new[] { new[] { "stats" }, ["export", "--output", dir.File("x.jsonl")], ["search", "x"], ["similar", "2511.17889"], ["reindex"] })
        {
            var refused = await PaperboyCli.RunAsync(typo, embedded, command);
            Assert.True(refused.ExitCode == 2, $"{command[0]}: exit {refused.ExitCode}\n{refused.Stderr}");
            Assert.Equal($"paperboy: {typo}/paperboy.db: no database here; check --data (or PAPERBOY_DATA): `paperboy import` or `paperboy serve` makes one\n", refused.Stderr);
        }
        Assert.False(Directory.Exists(typo));
        Assert.False(File.Exists(dir.File("x.jsonl")));
    }
}
