using Microsoft.Extensions.DependencyInjection;
using Paperboy.Recommendations;
using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Recommendations;

[Trait("Engine", "independent")] // ranking quality over the index snapshot: the engine only stores the papers
[RunsFor(30)]
public sealed class RecommendationQualityTests
{
    [Fact]
    public async Task ThePersonalModelFindsHeldOutLikesFarBetterThanPopularity()
    {
        // Two months of real arXiv papers; members simulated from category pairs (see RecommendationEval).
        await using var app = await TestInstance.StartAsync(
            SharedData.Path("corpus-arxiv-daily", "arxiv-daily-2025-03.jsonl.gz"),
            SharedData.Path("corpus-arxiv-daily", "arxiv-daily-2025-04.jsonl.gz"));
        var index = app.Services.GetRequiredService<SearchIndex>();
        Assert.True(await index.WaitReadyAsync(TimeSpan.FromMinutes(3), CancellationToken.None));
        await index.CatchUpAsync();
        var categories = await RecommendationEval.CategoriesAsync(app.Database);
        using var snapshot = index.Acquire();
        var members = RecommendationEval.Simulate(snapshot, categories, members: 50, seed: 1);
        Assert.Equal(50, members.Count);
        Assert.All(members, m => Assert.True(m.Train.Count >= 10 && m.HeldOut.Count >= 10));

        var scores = RecommendationEval.Run(snapshot, members, compareAll: false).ToDictionary(s => s.Method);
        var popularity = scores.Values.Single(s => s.Method.StartsWith("popularity", StringComparison.Ordinal));
        var paperboy = scores.Values.Single(s => s.Method.StartsWith("Paperboy", StringComparison.Ordinal));
        Assert.True(paperboy.PrecisionAt10 >= 2 * popularity.PrecisionAt10 && paperboy.PrecisionAt10 >= popularity.PrecisionAt10 + 0.05,
            $"P@10 {paperboy.PrecisionAt10:0.000} vs popularity {popularity.PrecisionAt10:0.000}");
        Assert.True(paperboy.RecallAt50 >= popularity.RecallAt50 + 0.05,
            $"R@50 {paperboy.RecallAt50:0.000} vs popularity {popularity.RecallAt50:0.000}");
    }
}
