using System.Globalization;
using System.Text.RegularExpressions;

namespace Paperboy.Papers;

/// <summary>arXiv identifiers: new style <c>YYMM.NNNNN</c> and old style <c>archive/YYMMNNN</c>.</summary>
public static partial class ArxivId
{
    [GeneratedRegex(@"^(?<id>\d{4}\.\d{4,5})(v(?<v>\d+))?$")]
    private static partial Regex NewStyle();

    [GeneratedRegex(@"^(?<id>[a-z][a-z\-]*(\.[A-Z]{2})?/\d{7})(v(?<v>\d+))?$")]
    private static partial Regex OldStyle();

    [GeneratedRegex(@"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(?<rest>.+?)(?:\.pdf)?/?$", RegexOptions.IgnoreCase)]
    private static partial Regex Url();

    public static bool IsArxiv(string id) => NewStyle().IsMatch(id) || OldStyle().IsMatch(id);

    /// <summary>
    /// Normalises <c>arXiv:2405.21060v2</c>, <c>https://arxiv.org/abs/2405.21060</c>,
    /// <c>hep-th/9901001v1</c> to the bare id and the version, if one was given; null when it is not an arXiv id.
    /// </summary>
    public static (string Id, int? Version)? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var s = text.Trim();
        var url = Url().Match(s);
        if (url.Success) s = url.Groups["rest"].Value;
        if (s.StartsWith("arxiv:", StringComparison.OrdinalIgnoreCase)) s = s[6..];
        foreach (var regex in new[] { NewStyle(), OldStyle() })
        {
            var m = regex.Match(s);
            if (m.Success)
            {
                int? v = m.Groups["v"].Success ? int.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture) : null;
                return (m.Groups["id"].Value, v);
            }
        }
        return null;
    }

    /// <summary>Strips a version suffix from an arXiv id and leaves any other id as it is.</summary>
    public static string Normalize(string id) => Parse(id)?.Id ?? id.Trim();

    /// <summary>
    /// The month a new-style id was announced: <c>2503.11731</c> → 2025-03-01. Used when a record
    /// has no date (SPEC §4). Old-style ids carry YYMM too (<c>hep-th/9901001</c> → 1999-01-01).
    /// </summary>
    public static DateOnly? MonthOf(string id)
    {
        var parsed = Parse(id);
        if (parsed is null) return null;
        var digits = parsed.Value.Id.Contains('/') ? parsed.Value.Id[(parsed.Value.Id.IndexOf('/') + 1)..] : parsed.Value.Id;
        var yy = int.Parse(digits[..2], CultureInfo.InvariantCulture);
        var mm = int.Parse(digits[2..4], CultureInfo.InvariantCulture);
        if (mm is < 1 or > 12) return null;
        // Old-style ids started in 1991; new-style ids start in 2007 (0704).
        var year = yy >= 91 ? 1900 + yy : 2000 + yy;
        return new DateOnly(year, mm, 1);
    }
}
