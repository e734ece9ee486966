using System.Text.Json;
using Paperboy.Papers;

namespace Paperboy.Ingestion;

/// <summary>
/// The <c>hf-daily</c> format (SPEC §4): a JSON array of Hugging Face <c>/api/daily_papers</c> items,
/// in the 2024 schema (<c>submittedBy.name</c>, no <c>submittedOnDailyAt</c>) or the 2025+ schema
/// (<c>paper.submittedOnDailyAt</c>, <c>paper.submittedOnDailyBy.user</c>), or one flat
/// <c>/api/papers/{id}</c> object. Each array item is a record; its position is its ordinal.
/// </summary>
public sealed class HfDailyReader : IPaperReader
{
    public string Format => "hf-daily";

    public IEnumerable<ReadResult> Read(Stream stream, string path) => JsonArrays.Read(stream, Parse);

    static ImportedPaper Parse(JsonElement e)
    {
        // A daily item wraps the paper; /api/papers/{id} is the paper itself, with no item around it.
        JsonElement? item = e.TryGetProperty("paper", out var wrapped) && wrapped.ValueKind == JsonValueKind.Object ? e : null;
        var paper = item is null ? e : wrapped;

        var rawId = JsonFields.String(paper, "id") ?? throw new FormatException(item is null ? "missing \"id\"" : "missing \"paper.id\"");
        var title = SourceText.Collapse(JsonFields.String(paper, "title") ?? (item is { } i ? JsonFields.String(i, "title") : null))
            ?? throw new FormatException($"paper {rawId}: missing \"paper.title\"");
        var parsedId = ArxivId.Parse(rawId);
        var id = parsedId?.Id ?? rawId.Trim();
        var (abs, pdf) = SourceText.ArxivLinks(id);
        return new ImportedPaper
        {
            Id = id,
            Title = title,
            Abstract = SourceText.Collapse(JsonFields.String(paper, "summary") ?? (item is { } s ? JsonFields.String(s, "summary") : null)),
            Authors = JsonFields.StringList(paper, "authors"),
            // paper.publishedAt is the arXiv date; the item's publishedAt is about the daily list.
            Published = JsonFields.Date(paper, "publishedAt"),
            AbsUrl = abs,
            PdfUrl = pdf,
            CodeUrl = JsonFields.String(paper, "githubRepo"),
            GithubStars = JsonFields.Int(paper, "githubStars"),
            ProjectUrl = JsonFields.String(paper, "projectPage"),
            AiSummary = SourceText.Collapse(JsonFields.String(paper, "ai_summary")),
            AiKeywords = JsonFields.StringList(paper, "ai_keywords"),
            Version = parsedId?.Version,
            // Upvotes live on the paper; the comment count on the item (or on the flat paper object).
            Upvotes = JsonFields.Int(paper, "upvotes"),
            NumComments = JsonFields.Int(item ?? paper, "numComments"),
            Daily = Featured(item, paper),
            Media = Media(item, paper),
        };
    }

    /// <summary>
    /// <c>paper.discussionId</c> and <c>paper.mediaUrls</c> (2025+; the 2024 schema has <c>mediaUrls</c> on
    /// the item), and the item's <c>thumbnail</c> (2024: <c>mediaUrl</c>). Anything but http(s) is dropped.
    /// </summary>
    static PaperMediaInfo? Media(JsonElement? item, JsonElement paper)
    {
        var discussion = JsonFields.String(paper, "discussionId")?.Trim();
        var media = (JsonFields.StringList(paper, "mediaUrls") ?? (item is { } i ? JsonFields.StringList(i, "mediaUrls") : null))?
            .Select(Feed.SafeUrl.Http).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var thumbnail = item is { } t ? Feed.SafeUrl.Http(JsonFields.String(t, "thumbnail") ?? JsonFields.String(t, "mediaUrl")) : null;
        if (discussion is null && media is not { Count: > 0 } && thumbnail is null) return null;
        return new PaperMediaInfo(discussion, media is { Count: > 0 } ? media : null, thumbnail);
    }

    /// <summary>
    /// The featured day is the UTC date of <c>paper.submittedOnDailyAt</c>; only the 2024 schema lacks it,
    /// and there the item's <c>publishedAt</c> is the featured time. In the 2025+ schema the item's
    /// <c>publishedAt</c> is the arXiv time, so it must not be used when <c>submittedOnDailyAt</c> exists.
    /// A flat paper object without <c>submittedOnDailyAt</c> was never featured as far as we know.
    /// </summary>
    static DailyFeature? Featured(JsonElement? item, JsonElement paper)
    {
        var at = JsonFields.Timestamp(paper, "submittedOnDailyAt") ?? (item is { } i ? JsonFields.Timestamp(i, "publishedAt") : null);
        if (at is not { } featuredAt) return null;

        // 2025+: paper.submittedOnDailyBy {user, fullname}; 2024: item.submittedBy {name, fullname}.
        string? user = null, fullname = null;
        foreach (var by in new[] { Object(paper, "submittedOnDailyBy"), item is { } it ? Object(it, "submittedBy") : null })
        {
            if (by is not { } b) continue;
            user ??= JsonFields.String(b, "user") ?? JsonFields.String(b, "name");
            fullname ??= JsonFields.String(b, "fullname");
        }
        return new DailyFeature(DateOnly.FromDateTime(featuredAt.UtcDateTime), user?.Trim(), fullname?.Trim(), featuredAt);
    }

    static JsonElement? Object(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;
}
