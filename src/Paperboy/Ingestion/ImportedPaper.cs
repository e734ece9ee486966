namespace Paperboy.Ingestion;

/// <summary>
/// One paper as a source describes it. Null means "this source does not say"; a merge keeps
/// what another source said (SPEC §4: a paper from two sources is one paper, fields merged).
/// </summary>
public sealed record ImportedPaper
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string? Abstract { get; init; }
    public IReadOnlyList<string>? Authors { get; init; }
    public DateOnly? Published { get; init; }
    public DateOnly? Updated { get; init; }
    public IReadOnlyList<string>? Categories { get; init; }
    public string? AbsUrl { get; init; }
    public string? PdfUrl { get; init; }
    public string? CodeUrl { get; init; }
    public string? ProjectUrl { get; init; }
    public int? GithubStars { get; init; }
    public string? AiSummary { get; init; }
    public IReadOnlyList<string>? AiKeywords { get; init; }
    public string? Comments { get; init; }
    public string? Doi { get; init; }
    public string? JournalRef { get; init; }
    public string? License { get; init; }
    public int? Version { get; init; }
    public bool? Withdrawn { get; init; }
    /// <summary>Upvotes the source reports (Hugging Face keeps them on the paper).</summary>
    public int? Upvotes { get; init; }
    /// <summary>Comment count the source reports (Hugging Face keeps it on the daily item).</summary>
    public int? NumComments { get; init; }
    /// <summary>Set when the source lists this paper on a day's daily papers.</summary>
    public DailyFeature? Daily { get; init; }
    /// <summary>
    /// What Hugging Face shows with the paper (its discussion, attached media, thumbnail). Left out of the
    /// fingerprint when unset, so records of sources that never say it keep the fingerprints they had.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public PaperMediaInfo? Media { get; init; }
}

/// <summary>A paper's discussion id, media and thumbnail at its source (table <c>paper_media</c>); URLs are http(s) only.</summary>
public sealed record PaperMediaInfo(string? DiscussionId, IReadOnlyList<string>? MediaUrls, string? ThumbnailUrl);

/// <summary>A paper featured on <see cref="Day"/> (UTC), submitted by someone on the source.</summary>
public sealed record DailyFeature(DateOnly Day, string? SubmittedByUser = null, string? SubmittedByName = null, DateTimeOffset? FeaturedAt = null);

/// <summary>
/// What a reader yields for each record: a paper, or the reason it was rejected.
/// <see cref="Position"/> is the JSON Lines line, or the record's 1-based ordinal in an array or XML file.
/// </summary>
public readonly record struct ReadResult(long Position, ImportedPaper? Paper, string? Error)
{
    public static ReadResult Ok(long position, ImportedPaper paper) => new(position, paper, null);
    public static ReadResult Bad(long position, string error) => new(position, null, error);
}

/// <summary>
/// A source format (SPEC §4). Readers stream: they yield records as they parse them and never
/// hold the whole file. A reader reports a broken record and goes on when it can; when the
/// rest of the stream is unreadable (truncated gzip, JSON cut mid-array) it reports that once and stops.
/// </summary>
public interface IPaperReader
{
    string Format { get; }
    IEnumerable<ReadResult> Read(Stream stream, string path);
}
