using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace Paperboy.Ingestion;

/// <summary>
/// Writes <c>paper_media</c> (a paper's discussion id, media and thumbnail at Hugging Face) with the same
/// merge rule as the catalog: what a record states replaces, what it leaves out is kept.
/// </summary>
public static class MediaWriter
{
    public static readonly string[] Columns = ["paper_id", "discussion_id", "media_urls", "thumbnail_url"];

    /// <summary>A row for <see cref="Storage.BulkInsert"/> (papers new to the catalog have no media row yet).</summary>
    public static object?[] Row(string paperId, PaperMediaInfo media) =>
        [paperId, media.DiscussionId, List(media.MediaUrls), media.ThumbnailUrl];

    /// <summary>Merges one record's media into the row; true when something changed.</summary>
    public static async Task<bool> UpsertAsync(DbConnection connection, DbTransaction tx, string paperId, PaperMediaInfo media)
    {
        var changed = await connection.ExecuteAsync("""
            INSERT INTO paper_media (paper_id, discussion_id, media_urls, thumbnail_url) VALUES (@PaperId, @Discussion, @Media, @Thumbnail)
            ON CONFLICT (paper_id) DO UPDATE SET
                discussion_id = COALESCE(excluded.discussion_id, paper_media.discussion_id),
                media_urls = COALESCE(excluded.media_urls, paper_media.media_urls),
                thumbnail_url = COALESCE(excluded.thumbnail_url, paper_media.thumbnail_url)
            WHERE (excluded.discussion_id IS NOT NULL AND excluded.discussion_id IS DISTINCT FROM paper_media.discussion_id)
               OR (excluded.media_urls IS NOT NULL AND excluded.media_urls IS DISTINCT FROM paper_media.media_urls)
               OR (excluded.thumbnail_url IS NOT NULL AND excluded.thumbnail_url IS DISTINCT FROM paper_media.thumbnail_url)
            """, new { PaperId = paperId, Discussion = media.DiscussionId, Media = List(media.MediaUrls), Thumbnail = media.ThumbnailUrl }, tx);
        return changed > 0;
    }

    static string? List(IReadOnlyList<string>? urls) => urls is { Count: > 0 } ? JsonSerializer.Serialize(urls) : null;
}
