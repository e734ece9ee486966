using System.Text.Json;
using Dapper;
using Paperboy.Storage;

namespace Paperboy.Papers;

/// <summary>
/// Where a paper came onto the daily list (its first featured day and who submitted it) and what Hugging
/// Face shows with it (<c>paper_media</c>): the fields huggingface.co adds to a paper that was on its
/// daily list. One query per kind for a whole page of papers.
/// </summary>
public sealed class HfOrigins(Database database)
{
    public async Task<IReadOnlyList<HfPaper>> AddToAsync(IReadOnlyList<HfPaper> papers, CancellationToken ct = default)
    {
        if (papers.Count == 0) return papers;
        var ids = database.Dialect.List(papers.Select(p => p.Id).Distinct(StringComparer.Ordinal));
        await using var c = await database.OpenAsync(ct);
        var In = database.Dialect.In("ids");
        // The first time a paper was featured is when it was "submitted on daily"; a later re-feature does not move it.
        var firsts = (await c.QueryAsync<FirstFeature>(new CommandDefinition($"""
            SELECT d.paper_id, d.day, d.featured_at, d.submitted_by_user, d.submitted_by_name FROM daily_entries d
            WHERE d.paper_id {In} AND d.day = (SELECT MIN(d2.day) FROM daily_entries d2 WHERE d2.paper_id = d.paper_id)
            """, new { ids }, cancellationToken: ct))).ToDictionary(f => f.PaperId, StringComparer.Ordinal);
        var media = (await c.QueryAsync<MediaRow>(new CommandDefinition(
            $"SELECT paper_id, discussion_id, media_urls FROM paper_media WHERE paper_id {In}", new { ids }, cancellationToken: ct)))
            .ToDictionary(m => m.PaperId, StringComparer.Ordinal);
        return papers.Select(p =>
        {
            firsts.TryGetValue(p.Id, out var first);
            media.TryGetValue(p.Id, out var m);
            return p with
            {
                SubmittedOnDailyAt = first is null ? null
                    : first.FeaturedAt is { } at ? HfMapping.NormalizeTimestamp(at) : HfMapping.DayTimestamp(first.Day),
                SubmittedOnDailyBy = first?.SubmittedByUser is { Length: > 0 } user
                    ? new HfSubmitter { User = user, Fullname = first.SubmittedByName ?? user }
                    : null,
                DiscussionId = m?.DiscussionId,
                MediaUrls = Urls(m?.MediaUrls),
            };
        }).ToList();
    }

    /// <summary>Like huggingface.co, <c>mediaUrls</c> is left out when the submitter attached nothing.</summary>
    static IReadOnlyList<string>? Urls(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try { return JsonSerializer.Deserialize<List<string>>(json) is { Count: > 0 } list ? list : null; }
        catch (JsonException) { return null; }
    }

    sealed class FirstFeature
    {
        public string PaperId { get; set; } = "";
        public string Day { get; set; } = "";
        public string? FeaturedAt { get; set; }
        public string? SubmittedByUser { get; set; }
        public string? SubmittedByName { get; set; }
    }

    sealed class MediaRow
    {
        public string PaperId { get; set; } = "";
        public string? DiscussionId { get; set; }
        public string? MediaUrls { get; set; }
    }
}
