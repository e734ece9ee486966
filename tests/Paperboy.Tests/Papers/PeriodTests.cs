using Paperboy.Papers;

namespace Paperboy.Tests.Papers;

[Trait("Engine", "independent")] // opens no database: runs on the first engine only (.ci/run)
public sealed class PeriodTests
{
    [Theory]
    [InlineData("2025-W47", "2025-11-17", "2025-11-23")]
    [InlineData("2025-W01", "2024-12-30", "2025-01-05")]
    [InlineData("2020-W53", "2020-12-28", "2021-01-03")]
    public void IsoWeeksRunMondayToSunday(string key, string from, string to)
    {
        Assert.True(Period.TryParseWeek(key, out var week));
        Assert.Equal(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), week.From);
        Assert.Equal(DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture), week.To);
        Assert.Equal(key, week.Key);
    }

    [Theory]
    [InlineData("2025-W54")]
    [InlineData("2025-W00")]
    [InlineData("2025W47")]
    [InlineData("")]
    public void BadWeeksAreRejected(string key) => Assert.False(Period.TryParseWeek(key, out _));

    [Fact]
    public void TrendingPrefersRecentVotesOverOldOnes()
    {
        // 20 votes in 6 hours beat 60 votes over five days.
        Assert.True(Trending.Score(20, 6) > Trending.Score(60, 120));
        Assert.True(Trending.Score(10, 5) > Trending.Score(9, 5));
        Assert.Equal(0, Trending.Score(0, 1));
    }

    [Theory]
    [InlineData("2405.21060", "2405.21060", null)]
    [InlineData("arXiv:2405.21060v2", "2405.21060", 2)]
    [InlineData("https://arxiv.org/abs/2405.21060v3", "2405.21060", 3)]
    [InlineData("https://arxiv.org/pdf/2405.21060.pdf", "2405.21060", null)]
    [InlineData("hep-th/9901001v1", "hep-th/9901001", 1)]
    public void ArxivIdsAreNormalised(string input, string id, int? version)
    {
        var parsed = ArxivId.Parse(input);
        Assert.NotNull(parsed);
        Assert.Equal(id, parsed.Value.Id);
        Assert.Equal(version, parsed.Value.Version);
    }

    [Theory]
    [InlineData("cacm-1")]
    [InlineData("2405")]
    [InlineData("javascript:alert(1)")]
    public void OtherIdsAreNotArxiv(string input) => Assert.Null(ArxivId.Parse(input));
}
