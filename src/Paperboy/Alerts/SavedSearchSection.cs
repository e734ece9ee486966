using Paperboy.Digests;
using Paperboy.Papers;

namespace Paperboy.Alerts;

/// <summary>
/// The digest part of saved-search alerts: for each of a member's searches delivered "in the
/// digest", the papers added since the last digest that match it. The watermark moves per digest
/// (kind and period), the key of the outbox row it goes out in.
/// </summary>
public sealed class SavedSearchSection(SavedSearches searches, TimeProvider time) : IPersonalDigestSection
{
    /// <summary>Per search: a digest is a summary; the search itself has the rest.</summary>
    const int PerSearch = 10;

    public async Task<DigestSection?> ComposeAsync(long userId, DigestKind kind, Period period, CancellationToken ct)
    {
        var mine = (await searches.ListAsync(userId, ct)).Where(s => s.Delivery == "digest").ToList();
        if (mine.Count == 0) return null;
        var key = (kind == DigestKind.Daily ? "daily:" : "weekly:") + period.Key;
        var picks = new List<DigestPick>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var matched = new List<SavedSearch>();
        foreach (var saved in mine)
        {
            var (papers, _) = await searches.NewMatchesAsync(saved, key, time.GetUtcNow(), PerSearch, ct);
            if (papers.Count > 0) matched.Add(saved);
            foreach (var paper in papers)
            {
                if (seen.Add(paper.Id)) picks.Add(new DigestPick(paper, $"New for your search “{saved.Name}”"));
            }
        }
        if (picks.Count == 0) return null;
        return new DigestSection(matched.Count == 1 ? $"New for your search “{matched[0].Name}”" : "New for your saved searches", picks);
    }
}
