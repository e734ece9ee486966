using System.Globalization;
using System.Text;
using Paperboy.Papers;

namespace Paperboy.Feed;

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
