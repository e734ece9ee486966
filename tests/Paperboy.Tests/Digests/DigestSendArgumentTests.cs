using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Digests;

/// <summary><c>paperboy digest send --date</c> takes the catalog's days only, and refuses others before touching anything.</summary>
[Trait("Engine", "independent")] // refused before a database is opened
public sealed class DigestSendArgumentTests
{
    [Theory]
    [InlineData("2025-02-30", "--date must be YYYY-MM-DD, got '2025-02-30'.")]
    // Composed as "weekly 9998-W52: no papers" before: a day outside the catalog is a typo, not a digest.
    [InlineData("9999-01-01", "\"--date\" is out of range: \"9999-01-01\" (dates run from 1900-01-01 to 2999-12-31)")]
    [InlineData("1800-01-01", "\"--date\" is out of range: \"1800-01-01\" (dates run from 1900-01-01 to 2999-12-31)")]
    public async Task ADateOutsideTheCatalogIsAUsageErrorThatChangesNothing(string date, string message)
    {
        using var dir = new TempDir();
        var run = await PaperboyCli.RunAsync(dir.File("data"), new Dictionary<string, string?> { ["PAPERBOY_DATABASE"] = null }, "digest", "send", "--date", date);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"paperboy: {message}\n", run.Stderr);
        Assert.False(Directory.Exists(dir.File("data")));
    }
}
