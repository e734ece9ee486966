using Paperboy.Digests;
using Paperboy.Papers;

namespace Paperboy.Recommendations;

/// <summary>"Picked for you" in a member's digest: the period's papers their model likes best, each with why.</summary>
public sealed class RecommendationDigestSection(Recommender recommender, PaperStore papers, Search.SearchIndex index) : IPersonalDigestSection
{
    public const string Title = "Picked for you";
    public const int Picks = 5;
    /// <summary>A week holds a few hundred papers; the model scores them all.</summary>
    const int PeriodPapers = 2000;

    public async Task<DigestSection?> ComposeAsync(long userId, DigestKind kind, Period period, CancellationToken ct)
    {
        // In a server the indexer has opened the index; `paperboy digest send` opens it here, once.
        if (!index.IsReady) await index.EnsureReadyAsync(ct);
        var items = await papers.ListAsync(period, DailySort.Upvotes, 0, PeriodPapers, ct);
        var picks = await recommender.RankAsync(userId, items.Select(i => i.Paper).ToList(), Picks, ct);
        return picks.Count == 0 ? null : new DigestSection(Title, picks.Select(p => new DigestPick(p.Paper, p.Why)).ToList());
    }
}
