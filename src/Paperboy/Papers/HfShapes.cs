using System.Globalization;
using System.Text.Json.Serialization;

namespace Paperboy.Papers;

// The JSON shapes of Hugging Face's /api/daily_papers and /api/papers/{id} (SPEC §7), so that a
// client written for huggingface.co reads Paperboy unchanged. Property names are theirs.

public sealed record HfAuthor([property: JsonPropertyName("name")] string Name);

public sealed record HfUser(
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("fullname")] string? Fullname);

public sealed record HfPaper
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("title")] public required string Title { get; init; }
    [JsonPropertyName("summary")] public string Summary { get; init; } = "";
    [JsonPropertyName("authors")] public required IReadOnlyList<HfAuthor> Authors { get; init; }
    [JsonPropertyName("publishedAt")] public string? PublishedAt { get; init; }
    [JsonPropertyName("upvotes")] public long Upvotes { get; init; }
    [JsonPropertyName("githubRepo")] public string? GithubRepo { get; init; }
    [JsonPropertyName("githubStars")] public long? GithubStars { get; init; }
    [JsonPropertyName("projectPage")] public string? ProjectPage { get; init; }
    [JsonPropertyName("ai_keywords")] public IReadOnlyList<string> AiKeywords { get; init; } = [];
    [JsonPropertyName("ai_summary")] public string? AiSummary { get; init; }
    [JsonPropertyName("categories")] public IReadOnlyList<string> Categories { get; init; } = [];
    [JsonPropertyName("withdrawn")] public bool Withdrawn { get; init; }
    /// <summary>Only on <c>/api/papers/{id}</c>, where the paper stands alone.</summary>
    [JsonPropertyName("numComments")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? NumComments { get; init; }
    // For a paper that was on the daily list, as huggingface.co answers /api/papers/{id} (HfOrigins fills them).
    [JsonPropertyName("submittedOnDailyAt")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SubmittedOnDailyAt { get; init; }
    [JsonPropertyName("submittedOnDailyBy")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public HfSubmitter? SubmittedOnDailyBy { get; init; }
    [JsonPropertyName("mediaUrls")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? MediaUrls { get; init; }
    [JsonPropertyName("discussionId")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? DiscussionId { get; init; }
}

/// <summary>Hugging Face's <c>submittedOnDailyBy</c>: the account that put the paper on the daily list.</summary>
public sealed record HfSubmitter
{
    [JsonPropertyName("user")] public required string User { get; init; }
    [JsonPropertyName("fullname")] public required string Fullname { get; init; }
    [JsonPropertyName("type")] public string Type { get; init; } = "user";
}

/// <summary>Unsealed: answers that add fields to the item (a recommendation's reason) extend it.</summary>
public record HfDailyItem
{
    [JsonPropertyName("paper")] public required HfPaper Paper { get; init; }
    [JsonPropertyName("publishedAt")] public string? PublishedAt { get; init; }
    [JsonPropertyName("title")] public required string Title { get; init; }
    [JsonPropertyName("summary")] public string Summary { get; init; } = "";
    [JsonPropertyName("numComments")] public long NumComments { get; init; }
    [JsonPropertyName("submittedBy")] public HfUser? SubmittedBy { get; init; }
}

public static class HfMapping
{
    public static HfPaper AsHfPaper(this Paper p, bool withComments = false) => new()
    {
        Id = p.Id,
        Title = p.Title,
        Summary = p.Abstract ?? "",
        Authors = p.AuthorList.Select(a => new HfAuthor(a)).ToList(),
        PublishedAt = p.Published is null ? null : DayTimestamp(p.Published),
        Upvotes = p.Upvotes,
        GithubRepo = p.CodeUrl,
        GithubStars = p.GithubStars,
        ProjectPage = p.ProjectUrl,
        AiKeywords = p.KeywordList,
        AiSummary = p.AiSummary,
        Categories = p.CategoryList,
        Withdrawn = p.Withdrawn,
        NumComments = withComments ? p.NumComments : null,
    };

    public static HfDailyItem AsHfDailyItem(this DailyItem item) => new()
    {
        Paper = item.Paper.AsHfPaper(),
        // The item's publishedAt is when it was featured on the daily list (HF's 2024 schema).
        PublishedAt = item.FeaturedAt is { } at ? NormalizeTimestamp(at) : DayTimestamp(item.Day),
        Title = item.Paper.Title,
        Summary = item.Paper.Abstract ?? "",
        NumComments = item.Paper.NumComments,
        SubmittedBy = item.SubmittedByUser is null && item.SubmittedByName is null ? null : new HfUser(item.SubmittedByUser, item.SubmittedByName),
    };

    internal static string DayTimestamp(string day) => day + "T00:00:00.000Z";

    internal static string NormalizeTimestamp(string stored) =>
        DateTimeOffset.TryParse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
            : stored;
}
