using System.Globalization;
using System.Text;
using Paperboy.Papers;

namespace Paperboy.Feed;

public enum FeedTab { None, Daily, Weekly, Monthly, Trending }

/// <summary>A link with its label, for previous/next and paging.</summary>
public sealed record NavLink(string Href, string Label);

/// <summary>Where the Daily/Weekly/Monthly tabs lead: the day, week and month around what is on screen.</summary>
public sealed record TabLinks(string Daily, string Weekly, string Monthly)
{
    /// <summary>Pages without a period (a paper, an author) point at the latest of each.</summary>
    public static readonly TabLinks Latest = new("/", "/papers/week", "/papers/month");

    public static TabLinks Around(DateOnly day) =>
        new(Period.Day(day).Path, Period.Week(day).Path, Period.Month(day).Path);
}

/// <summary>Everything a list page (a day, week, month or trending) shows, computed by the handler.</summary>
public sealed class FeedView
{
    public required FeedTab Tab { get; init; }
    public required string Kicker { get; init; }
    public required string Heading { get; init; }
    public required string Title { get; init; }
    public required IReadOnlyList<DailyItem> Items { get; init; }
    public required TabLinks Tabs { get; init; }
    /// <summary>Rank of the first item minus one (paging continues the numbering).</summary>
    public int Offset { get; init; }
    public int Total { get; init; }
    public NavLink? Previous { get; init; }
    public NavLink? Next { get; init; }
    public NavLink? PreviousPage { get; init; }
    public NavLink? NextPage { get; init; }
    public int Page { get; init; } = 1;
    public int PageCount { get; init; } = 1;
    /// <summary>Why a period may be empty, when we can tell (weekends have no daily list).</summary>
    public string? EmptyHint { get; init; }
    /// <summary>True when the catalog has no daily papers at all: show how to import instead.</summary>
    public bool EmptySite { get; init; }
    /// <summary>This list's RSS/Atom/JSON feeds (Syndication.FeedLinks).</summary>
    public IReadOnlyList<(string Type, string Title, string Href)> Feeds { get; init; } = [];
}

/// <summary>Small text shaping shared by the pages. Everything returned is plain text; Razor escapes it.</summary>
public static partial class Text
{
    [System.Text.RegularExpressions.GeneratedRegex(@"\r?\n[ \t]*\r?\n")]
    private static partial System.Text.RegularExpressions.Regex BlankLine();

    /// <summary>Sources hard-wrap titles ("...Arena-Hard and\n  BenchBuilder"): one line, single spaces.</summary>
    public static string OneLine(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "";
        if (s.Contains('~')) s = Tildes(s);
        if (IsOneLine(s)) return s;
        var sb = new StringBuilder(s.Length);
        var space = false;
        foreach (var ch in s)
        {
            if (char.IsWhiteSpace(ch)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(ch);
        }
        return sb.ToString();
    }

    /// <summary>Abstracts keep their paragraphs (blank lines) but not the source's hard line breaks.</summary>
    public static IReadOnlyList<string> Paragraphs(string? s)
    {
        if (string.IsNullOrWhiteSpace(s)) return [];
        // Most abstracts are one paragraph: skip the split when there is no blank line.
        if (!BlankLine().IsMatch(s)) return [OneLine(s)];
        return BlankLine().Split(s).Select(OneLine).Where(p => p.Length > 0).ToList();
    }

    /// <summary>
    /// LaTeX's <c>~</c> is a non-breaking space ("Learning~(PRFL)"); outside math it would show as a stray
    /// tilde (it becomes a space). Inside <c>$…$</c> KaTeX reads it itself, and <c>\~</c> is an accent, so both are left alone.
    /// </summary>
    static string Tildes(string s)
    {
        var sb = new StringBuilder(s.Length);
        var math = false;
        for (var i = 0; i < s.Length; i++)
        {
            var ch = s[i];
            if (ch == '$' && (i == 0 || s[i - 1] != '\\')) math = !math;
            sb.Append(ch == '~' && !math && (i == 0 || s[i - 1] != '\\') ? ' ' : ch);
        }
        return sb.ToString();
    }

    // Already trimmed, no tabs or newlines, no double spaces: the common case, returned as is.
    static bool IsOneLine(string s)
    {
        if (char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1])) return false;
        for (var i = 0; i < s.Length; i++)
        {
            var ch = s[i];
            if (ch == ' ') { if (s[i + 1] == ' ') return false; }
            else if (char.IsWhiteSpace(ch)) return false;
        }
        return true;
    }

    public static string AuthorHref(string name) => "/authors/" + Uri.EscapeDataString(name);

    public static string PaperHref(string id) =>
        // Old-style ids keep their slash (/papers/hep-th/9901001); each part is escaped on its own.
        "/papers/" + string.Join('/', id.Split('/').Select(Uri.EscapeDataString));

    public static string Day(DateOnly? day) =>
        day?.ToString("MMM d, yyyy", CultureInfo.InvariantCulture) ?? "";

    public static string ShortDay(DateOnly day) => day.ToString("MMM d", CultureInfo.InvariantCulture);

    /// <summary>
    /// A timestamp as the server knows it ("2025-11-20 14:03 UTC"), for the tooltip of a
    /// <c>&lt;time class="relative"&gt;</c> (<see cref="RelativeTime"/>), whose text says how long ago.
    /// </summary>
    public static string Stamp(string? timestamp) =>
        timestamp is { Length: >= 16 } ? timestamp[..16].Replace('T', ' ') + " UTC" : timestamp ?? "";

    public static string Count(long n, string one, string many) =>
        n.ToString("N0", CultureInfo.InvariantCulture) + " " + (n == 1 ? one : many);
}
