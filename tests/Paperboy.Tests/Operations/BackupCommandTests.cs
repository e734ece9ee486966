using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Operations;

[Trait("Engine", "independent")] // each test names its engine: runs on the first pass only (.ci/run)
public sealed class BackupCommandTests
{
    [Fact]
    public async Task ABackupTakenWhileServingOpensAsTheSameInstance()
    {
        await using var live = await TestInstance.StartOnAsync("sqlite", SharedData.Path("hf-daily-papers", "2025-11-20.json"));
        Assert.Equal(0, (await PaperboyCli.RunAsync(live.DataDir, "users", "create", "--email", "ada@example.com")).ExitCode);
        using var dir = new TempDir();
        // The site is running and answering while the copy is taken.
        var page = live.Client.GetStringAsync("/");
        var backup = await PaperboyCli.RunAsync(live.DataDir, "backup", "--output", dir.File("copy.db"));
        await page;
        Assert.True(backup.ExitCode == 0, backup.Stderr);
        Assert.StartsWith("backed up ", backup.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("copy.db.partial")));

        await using var restored = await TestInstance.StartAfterAsync("sqlite", t =>
        {
            Directory.CreateDirectory(t.DataDir);
            File.Copy(dir.File("copy.db"), Path.Combine(t.DataDir, "paperboy.db"));
            return Task.CompletedTask;
        });
        Assert.Equal(
            (await PaperboyCli.RunAsync(live.DataDir, "stats", "--json")).Stdout,
            (await PaperboyCli.RunAsync(restored.DataDir, "stats", "--json")).Stdout);
        Assert.Contains("\"members\":1", (await PaperboyCli.RunAsync(restored.DataDir, "stats", "--json")).Stdout, StringComparison.Ordinal);
        Assert.Equal(await live.Client.GetStringAsync("/api/daily_papers?date=2025-11-20"), await restored.Client.GetStringAsync("/api/daily_papers?date=2025-11-20"));
    }

    [Fact]
    public async Task BackupOnPostgresPointsToPgDump()
    {
        await using var app = await TestInstance.StartOnAsync("postgres");
        using var dir = new TempDir();
        var result = await PaperboyCli.RunAsync(app.DataDir, app.CliEnvironment, "backup", "--output", dir.File("copy.db"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("pg_dump", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("copy.db")));
    }
}
