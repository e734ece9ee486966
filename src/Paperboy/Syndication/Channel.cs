using System.Globalization;
using System.Net;
using System.Text;
using Paperboy.Papers;

namespace Paperboy.Syndication;

/// <summary>
/// What every syndication format says, in one shape: built once per request, written as RSS, Atom or JSON Feed.
/// Named after RSS's channel and item so it is never mistaken for the HTML feed pages in Feed/.
/// </summary>
public sealed record Channel(string Title, string Description, Uri Self, Uri Page, DateTimeOffset Updated, IReadOnlyList<ChannelItem> Entries);

public sealed record ChannelItem(string Id, string Title, Uri Link, string Summary, IReadOnlyList<string> Authors,
    IReadOnlyList<string> Categories, DateTimeOffset Published, DateTimeOffset Updated, long Upvotes)
{
    /// <summary>A line before the body, e.g. why a paper was recommended; plain text.</summary>
    public string? Lead { get; init; }

    /// <summary>The entry body as HTML, every value encoded: feed readers render it as markup.</summary>
    public string Html
    {
        get
        {
            var sb = new StringBuilder();
            if (!string.IsNullOrEmpty(Lead)) sb.Append("<p><em>").Append(WebUtility.HtmlEncode(Lead)).Append("</em></p>");
            if (Authors.Count > 0) sb.Append("<p>").Append(WebUtility.HtmlEncode(string.Join(", ", Authors))).Append("</p>");
            if (Summary.Length > 0) sb.Append("<p>").Append(WebUtility.HtmlEncode(Summary)).Append("</p>");
            sb.Append("<p>").Append(Upvotes.ToString(CultureInfo.InvariantCulture)).Append(Upvotes == 1 ? " upvote" : " upvotes").Append("</p>");
            return sb.ToString();
        }
    }

    public string Text => (string.IsNullOrEmpty(Lead) ? "" : Lead + "\n\n") + (Authors.Count > 0 ? $"{string.Join(", ", Authors)}\n\n{Summary}" : Summary);

    public static ChannelItem From(Paper paper, string? featuredDay, string? featuredAt, Uri site)
    {
        var link = PaperLinks.For(site, paper.Id);
        var updated = ParseTime(paper.UpdatedAt) ?? ParseTime(paper.CreatedAt) ?? DateTimeOffset.UnixEpoch;
        // A list's entry is dated by when it was featured, falling back to the paper's own date.
        var published = ParseTime(featuredAt) ?? ParseDay(featuredDay) ?? ParseDay(paper.Published) ?? updated;
        if (updated < published) updated = published;
        return new ChannelItem(link.AbsoluteUri, SafeText.Clean(paper.Title).Trim(), link, SafeText.Clean(paper.Abstract).Trim(),
            paper.AuthorList.Select(SafeText.Clean).ToList(), paper.CategoryList.Select(SafeText.Clean).ToList(),
            published, updated, paper.Upvotes);
    }

    static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    static DateTimeOffset? ParseDay(string? text) =>
        Storage.StoredTime.ParseDay(text) is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;
}
