using System.Globalization;
using System.Text.RegularExpressions;

namespace Paperboy.Ingestion;

/// <summary>Text as sources send it, made comparable across sources.</summary>
public static partial class SourceText
{
    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>
    /// arXiv, Kaggle and Hugging Face hard-wrap titles and abstracts at ~80 columns, each at
    /// different places; one space everywhere makes the same text from two sources equal.
    /// </summary>
    public static string? Collapse(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : Whitespace().Replace(text.Trim(), " ");

    /// <summary>A UTC date from ISO-8601 (<c>2016-05-26T17:59:46Z</c>, <c>2014-12-29</c>) or RFC 1123 (<c>Mon, 2 Apr 2007 19:18:42 GMT</c>).</summary>
    public static DateOnly? Date(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var s = text.Trim();
        DateOnly? parsed = DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
            : DateTimeOffset.TryParseExact(s, ["ddd, d MMM yyyy HH:mm:ss 'GMT'", "r"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var rfc)
              || DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out rfc) ? DateOnly.FromDateTime(rfc.UtcDateTime)
            : throw new FormatException($"\"{field}\" is not a date: \"{(s.Length <= 40 ? s : s[..40] + "…")}\"");
        return Papers.CatalogDates.Contains(parsed.Value) ? parsed : throw new FormatException(Papers.CatalogDates.OutOfRange(field, s));
    }

    /// <summary>The canonical, unversioned arXiv links: a versioned link would pin an old version.</summary>
    public static (string? Abs, string? Pdf) ArxivLinks(string id) =>
        Papers.ArxivId.IsArxiv(id) ? ($"https://arxiv.org/abs/{id}", $"https://arxiv.org/pdf/{id}") : (null, null);
}
