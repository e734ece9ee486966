using Dapper;
using Paperboy.Storage;

namespace Paperboy.Papers;

public enum DailySort { Upvotes, PublishedAt, Trending }

/// <summary>Read queries over the catalog, shared by pages, the JSON API and feeds.</summary>
public sealed class PaperStore(Database database, TimeProvider time)
{
    const string DailyColumns = "p.*, d.day, d.source, d.submitted_by_user, d.submitted_by_name, d.featured_at";

    /// <summary>Visible papers by id (search results, recommendations, alert matches); hidden and unknown ids are left out.</summary>
    public async Task<Dictionary<string, Paper>> VisibleByIdAsync(IEnumerable<string> ids, CancellationToken ct = default)
    {
        var papers = new Dictionary<string, Paper>(StringComparer.Ordinal);
        var wanted = ids.Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0) return papers;
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<Paper>(new CommandDefinition(
            $"SELECT * FROM papers WHERE hidden = FALSE AND id {database.Dialect.In("ids")}", new { ids = database.Dialect.List(wanted) }, cancellationToken: ct));
        foreach (var paper in rows) papers[paper.Id] = paper;
        return papers;
    }

    public async Task<string?> LatestDayAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT MAX(day) FROM daily_entries", cancellationToken: ct));
    }

    /// <summary>
    /// The papers featured in a period, each once (on the first day it was featured in that period).
    /// Upvotes/PublishedAt sort in SQL; Trending scores the period's papers in memory (a month is a few hundred rows).
    /// </summary>
    public Task<IReadOnlyList<DailyItem>> ListAsync(Period period, DailySort sort, int offset, int limit, CancellationToken ct = default) =>
        ListAsync(period, sort, offset, limit, null, ct);

    /// <summary>Like the other overload, only the papers <paramref name="submitter"/> (a user name) put on the list.</summary>
    public async Task<IReadOnlyList<DailyItem>> ListAsync(Period period, DailySort sort, int offset, int limit, string? submitter, CancellationToken ct = default)
    {
        var order = sort switch
        {
            DailySort.PublishedAt => "d.day DESC, d.featured_at DESC, p.id",
            _ => "p.upvotes DESC, d.day DESC, p.id",
        };
        var firstDayOnly = period.Kind == PeriodKind.Day ? "" : """
             AND d.day = (SELECT MIN(d2.day) FROM daily_entries d2
                          WHERE d2.paper_id = d.paper_id AND d2.day >= @From AND d2.day <= @To)
            """;
        var paging = sort == DailySort.Trending ? "" : "LIMIT @Limit OFFSET @Offset";
        // Hugging Face's ?submitter= names the account that put the paper on the list (case as typed or not).
        var bySubmitter = string.IsNullOrEmpty(submitter) ? "" : "AND LOWER(d.submitted_by_user) = LOWER(@Submitter)";
        if (bySubmitter.Length > 0) firstDayOnly = firstDayOnly.Replace("d2.day <= @To", "d2.day <= @To AND LOWER(d2.submitted_by_user) = LOWER(@Submitter)", StringComparison.Ordinal);
        var sql = $"""
            SELECT {DailyColumns}
            FROM daily_entries d JOIN papers p ON p.id = d.paper_id
            WHERE d.day >= @From AND d.day <= @To AND p.hidden = FALSE {bySubmitter} {firstDayOnly}
            ORDER BY {order}
            {paging}
            """;
        var items = await QueryDailyAsync(sql, new { From = StoredTime.FormatDay(period.From), To = StoredTime.FormatDay(period.To), Limit = limit, Offset = offset, Submitter = submitter }, ct);
        if (sort != DailySort.Trending) return items;
        var reference = Trending.ReferenceTime(period.To, time.GetUtcNow());
        return RankTrending(items, reference).Skip(offset).Take(limit).ToList();
    }

    public async Task<int> CountAsync(Period period, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<int>(new CommandDefinition("""
            SELECT COUNT(DISTINCT d.paper_id) FROM daily_entries d JOIN papers p ON p.id = d.paper_id
            WHERE d.day >= @From AND d.day <= @To AND p.hidden = FALSE
            """, new { From = StoredTime.FormatDay(period.From), To = StoredTime.FormatDay(period.To) }, cancellationToken: ct));
    }

    /// <summary>
    /// A version of what <see cref="ListAsync"/> shows for a period, one row instead of the papers:
    /// it changes when a paper there is added, hidden, edited (updated_at), voted on or commented on.
    /// Pages use it to reuse their rendered HTML.
    /// </summary>
    public async Task<string> ListVersionAsync(Period period, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var row = await c.QuerySingleAsync<(long Count, string? Updated, long Upvotes, long Comments)>(new CommandDefinition("""
            SELECT COUNT(*), MAX(p.updated_at), COALESCE(SUM(p.upvotes), 0), COALESCE(SUM(p.num_comments), 0)
            FROM daily_entries d JOIN papers p ON p.id = d.paper_id
            WHERE d.day >= @From AND d.day <= @To AND p.hidden = FALSE
            """, new { From = StoredTime.FormatDay(period.From), To = StoredTime.FormatDay(period.To) }, cancellationToken: ct));
        return $"{row.Count}/{row.Updated}/{row.Upvotes}/{row.Comments}";
    }

    /// <summary>The nearest days with papers before and after a period, for previous/next links that never lead to an empty page.</summary>
    public async Task<(DateOnly? Previous, DateOnly? Next)> NeighboursAsync(Period period, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var args = new { From = StoredTime.FormatDay(period.From), To = StoredTime.FormatDay(period.To) };
        var prev = await c.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT MAX(day) FROM daily_entries WHERE day < @From", args, cancellationToken: ct));
        var next = await c.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT MIN(day) FROM daily_entries WHERE day > @To", args, cancellationToken: ct));
        return (StoredTime.ParseDay(prev), StoredTime.ParseDay(next));
    }

    /// <summary>Trending now: papers featured in the last <see cref="Trending.WindowDays"/> days before the reference time, by score.</summary>
    public async Task<IReadOnlyList<DailyItem>> TrendingAsync(int offset, int limit, DateTimeOffset now, CancellationToken ct = default)
    {
        var latest = StoredTime.ParseDay(await LatestDayAsync(ct));
        if (latest is null) return [];
        var reference = Trending.ReferenceTime(latest, now);
        var to = DateOnly.FromDateTime(reference.UtcDateTime);
        var period = new Period(PeriodKind.Week, Period.AddDays(to, -Trending.WindowDays), to);
        var items = await QueryDailyAsync($"""
            SELECT {DailyColumns}
            FROM daily_entries d JOIN papers p ON p.id = d.paper_id
            WHERE d.day >= @From AND d.day <= @To AND p.hidden = FALSE
            """, new { From = StoredTime.FormatDay(period.From), To = StoredTime.FormatDay(period.To) }, ct);
        // A paper featured twice in the window counts once, from its latest feature.
        var latestPerPaper = items.GroupBy(i => i.Paper.Id).Select(g => g.MaxBy(i => i.Day)!);
        return RankTrending(latestPerPaper, reference).Skip(offset).Take(limit).ToList();
    }

    static IEnumerable<DailyItem> RankTrending(IEnumerable<DailyItem> items, DateTimeOffset reference) =>
        items.Select(i => (Item: i, Score: Trending.Score(i.Paper.Upvotes, Trending.AgeHours(i, reference))))
            .OrderByDescending(x => x.Score).ThenByDescending(x => x.Item.Day).ThenBy(x => x.Item.Paper.Id, StringComparer.Ordinal)
            .Select(x => x.Item);

    public async Task<Paper?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Paper>(new CommandDefinition(
            "SELECT * FROM papers WHERE id = @id AND hidden = FALSE", new { id = ArxivId.Normalize(id) }, cancellationToken: ct));
    }

    /// <summary>The days a paper was featured, newest first, with who submitted it.</summary>
    public async Task<IReadOnlyList<DailyItem>> FeaturesAsync(Paper paper, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<DailyRow>(new CommandDefinition(
            "SELECT day, source, submitted_by_user, submitted_by_name, featured_at FROM daily_entries WHERE paper_id = @Id ORDER BY day DESC",
            new { paper.Id }, cancellationToken: ct));
        return rows.Select(r => r.With(paper)).ToList();
    }

    public async Task<IReadOnlyList<Paper>> ByAuthorAsync(string name, int offset, int limit, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<Paper>(new CommandDefinition("""
            SELECT p.* FROM papers p
            WHERE p.hidden = FALSE AND p.id IN (SELECT paper_id FROM paper_authors WHERE name_key = @Key)
            ORDER BY p.published DESC, p.id LIMIT @Limit OFFSET @Offset
            """, new { Key = AuthorKey.Of(name), Limit = limit, Offset = offset }, cancellationToken: ct));
        return rows.AsList();
    }

    async Task<IReadOnlyList<DailyItem>> QueryDailyAsync(string sql, object args, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<Paper, DailyRow, DailyItem>(new CommandDefinition(sql, args, cancellationToken: ct),
            (paper, row) => row.With(paper), splitOn: "day");
        return rows.AsList();
    }

    sealed class DailyRow
    {
        public string Day { get; set; } = "";
        public string Source { get; set; } = "";
        public string? SubmittedByUser { get; set; }
        public string? SubmittedByName { get; set; }
        public string? FeaturedAt { get; set; }

        public DailyItem With(Paper paper) => new()
        {
            Paper = paper,
            Day = Day,
            Source = Source,
            SubmittedByUser = SubmittedByUser,
            SubmittedByName = SubmittedByName,
            FeaturedAt = FeaturedAt,
        };
    }
}
