using Dapper;
using Paperboy.Storage;

namespace Paperboy.Thumbnails;

/// <summary>A paper whose picture is due: never tried, a new source URL, or a network failure whose wait is over.</summary>
public sealed record DueThumbnail(string PaperId, string Url, long Attempts);

/// <summary>A stored thumbnail as cards link it.</summary>
public sealed record ThumbnailEntry(int Width, int Height, string Etag)
{
    public string Href(string paperId) => $"/media/thumbs/{Uri.EscapeDataString(paperId)}.webp?v={Etag}";
}

/// <summary>The <c>paper_thumbnails</c> table: what the worker tried and stored, and what the site serves.</summary>
public sealed class ThumbnailStore(Database database)
{
    public async Task<IReadOnlyList<DueThumbnail>> DueAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        // Newest papers first (arXiv ids sort by month): the daily page's pictures arrive before the archive's.
        return (await c.QueryAsync<DueThumbnail>(new CommandDefinition($"""
            SELECT m.paper_id AS PaperId, m.thumbnail_url AS Url, COALESCE(t.attempts, 0) AS Attempts
            FROM paper_media m
            JOIN papers p ON p.id = m.paper_id
            LEFT JOIN paper_thumbnails t ON t.paper_id = m.paper_id
            WHERE m.thumbnail_url IS NOT NULL AND p.hidden = FALSE
              AND (t.paper_id IS NULL OR t.source_url <> m.thumbnail_url OR (t.status = 'failed' AND t.retry_after <= @now))
            ORDER BY m.paper_id DESC
            LIMIT {limit}
            """, new { now = StoredTime.Format(now) }, cancellationToken: ct))).AsList();
    }

    public async Task SaveAsync(string paperId, string url, Thumbnail thumbnail, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO paper_thumbnails (paper_id, source_url, status, error, attempts, retry_after, width, height, etag, content, fetched_at)
            VALUES (@paperId, @url, 'stored', NULL, 0, NULL, @Width, @Height, @Etag, @Content, @at)
            ON CONFLICT (paper_id) DO UPDATE SET source_url = excluded.source_url, status = 'stored', error = NULL, attempts = 0,
                retry_after = NULL, width = excluded.width, height = excluded.height, etag = excluded.etag, content = excluded.content,
                fetched_at = excluded.fetched_at
            """, new { paperId, url, thumbnail.Width, thumbnail.Height, thumbnail.Etag, thumbnail.Content, at = StoredTime.Format(now) }, cancellationToken: ct));
    }

    /// <summary>Records why a picture is not stored; a picture stored from an earlier URL is kept and still shown.</summary>
    public async Task FailAsync(string paperId, string url, string status, string error, long attempts, DateTimeOffset? retryAfter, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO paper_thumbnails (paper_id, source_url, status, error, attempts, retry_after, fetched_at)
            VALUES (@paperId, @url, @status, @error, @attempts, @retry, @at)
            ON CONFLICT (paper_id) DO UPDATE SET source_url = excluded.source_url, status = excluded.status, error = excluded.error,
                attempts = excluded.attempts, retry_after = excluded.retry_after, fetched_at = excluded.fetched_at
            """, new
        {
            paperId,
            url,
            status,
            error,
            attempts,
            at = StoredTime.Format(now),
            retry = retryAfter is { } r ? StoredTime.Format(r) : null,
        }, cancellationToken: ct));
    }

    /// <summary>Papers refused for their host are looked at again once per start: the operator may have changed the hosts.</summary>
    public async Task ForgetRefusedAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM paper_thumbnails WHERE status = 'refused' AND content IS NULL", cancellationToken: ct));
    }

    /// <summary>Every stored thumbnail of a visible paper, for the cards (sizes and hashes only, not the pictures).</summary>
    public async Task<Dictionary<string, ThumbnailEntry>> IndexAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<(string PaperId, long Width, long Height, string Etag)>(new CommandDefinition("""
            SELECT t.paper_id, t.width, t.height, t.etag FROM paper_thumbnails t JOIN papers p ON p.id = t.paper_id
            WHERE t.content IS NOT NULL AND p.hidden = FALSE
            """, cancellationToken: ct));
        return rows.ToDictionary(r => r.PaperId, r => new ThumbnailEntry((int)r.Width, (int)r.Height, r.Etag), StringComparer.Ordinal);
    }

    public async Task<(byte[] Content, string Etag, string FetchedAt)?> ContentAsync(string paperId, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<(byte[] Content, string Etag, string FetchedAt)?>(new CommandDefinition("""
            SELECT t.content, t.etag, t.fetched_at FROM paper_thumbnails t JOIN papers p ON p.id = t.paper_id
            WHERE t.paper_id = @paperId AND t.content IS NOT NULL AND p.hidden = FALSE
            """, new { paperId }, cancellationToken: ct));
        return row;
    }
}
