using System.Text.Json;

namespace Paperboy.Papers;

/// <summary>A row of <c>papers</c>, as Dapper maps it (snake_case columns → properties).</summary>
public sealed class Paper
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Abstract { get; set; }
    public string Authors { get; set; } = "[]";
    public string? Published { get; set; }
    public string? Updated { get; set; }
    public string? Categories { get; set; }
    public string? AbsUrl { get; set; }
    public string? PdfUrl { get; set; }
    public string? CodeUrl { get; set; }
    public string? ProjectUrl { get; set; }
    public long? GithubStars { get; set; }
    public string? AiSummary { get; set; }
    public string? AiKeywords { get; set; }
    public string? Comments { get; set; }
    public string? Doi { get; set; }
    public string? JournalRef { get; set; }
    public string? License { get; set; }
    public long? Version { get; set; }
    public bool Withdrawn { get; set; }
    public long SourceUpvotes { get; set; }
    public long SourceComments { get; set; }
    public long Upvotes { get; set; }
    public long NumComments { get; set; }
    public bool Hidden { get; set; }
    public string CreatedAt { get; set; } = "";
    public string UpdatedAt { get; set; } = "";

    IReadOnlyList<string>? _authorList;
    public IReadOnlyList<string> AuthorList => _authorList ??= JsonList(Authors);
    public IReadOnlyList<string> KeywordList => JsonList(AiKeywords);
    public IReadOnlyList<string> CategoryList =>
        string.IsNullOrWhiteSpace(Categories) ? [] : Categories.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public DateOnly? PublishedDate => Storage.StoredTime.ParseDay(Published);

    /// <summary>
    /// The comments a reader can open here (num_comments also counts the source's, which it does not send):
    /// pages show this number and mention the source's separately, so "1 comment" never leads to "No comments yet".
    /// </summary>
    public long MemberComments => Math.Max(0, NumComments - SourceComments);

    /// <summary>Hugging Face's discussion of the paper, when the source counted comments there.</summary>
    public string? SourceDiscussion => SourceComments > 0 && ArxivId.IsArxiv(Id) ? $"https://huggingface.co/papers/{Id}" : null;

    /// <summary>The arXiv abstract page, whether imported or derived from an arXiv id.</summary>
    public string? AbsLink => AbsUrl ?? (ArxivId.IsArxiv(Id) ? $"https://arxiv.org/abs/{Id}" : null);
    public string? PdfLink => PdfUrl ?? (ArxivId.IsArxiv(Id) ? $"https://arxiv.org/pdf/{Id}" : null);

    static IReadOnlyList<string> JsonList(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        try { return JsonSerializer.Deserialize<List<string>>(json) ?? []; }
        catch (JsonException) { return []; }
    }
}

/// <summary>A paper as featured on a day's list.</summary>
public sealed class DailyItem
{
    public required Paper Paper { get; init; }
    public required string Day { get; init; }
    public string? SubmittedByUser { get; init; }
    public string? SubmittedByName { get; init; }
    public string? FeaturedAt { get; init; }
    public string Source { get; init; } = "import";
}
