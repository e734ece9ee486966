namespace Paperboy.Search;

/// <summary>A piece of plain text, and whether it matched the query. Pages escape <see cref="Text"/> like any other text.</summary>
public sealed record TextSegment(string Text, bool Matched);

/// <summary>
/// Marks the query's words in a title or abstract. Words are compared after the same analysis as
/// the index, so "networks" in the text lights up for the query "network". Output is segments of
/// plain text, never markup.
/// </summary>
public static class Highlights
{
    /// <summary>The whole text, split into matched and unmatched segments.</summary>
    public static IReadOnlyList<TextSegment> Mark(string? text, IReadOnlySet<string> terms) =>
        Segments(text ?? "", 0, (text ?? "").Length, terms, TextAnalysis.Tokens(text));

    /// <summary>
    /// About <paramref name="maxChars"/> of the text around its densest run of matches (the window
    /// with the most matched tokens), cut at word boundaries, with "…" where it was cut.
    /// </summary>
    public static IReadOnlyList<TextSegment> Snippet(string? text, IReadOnlySet<string> terms, int maxChars = 240)
    {
        text ??= "";
        if (text.Length <= maxChars) return Mark(text, terms);
        var tokens = TextAnalysis.Tokens(text);
        var matches = tokens.Where(t => terms.Contains(t.Term)).ToList();
        var start = 0;
        if (matches.Count > 0)
        {
            var best = 0;
            for (var i = 0; i < matches.Count; i++)
            {
                var count = matches.Skip(i).TakeWhile(m => m.End - matches[i].Start <= maxChars).Count();
                if (count > best) { best = count; start = matches[i].Start; }
            }
            // Start a little before the first match so it reads as a sentence, not a fragment.
            start = Math.Max(0, start - maxChars / 6);
        }
        var end = Math.Min(text.Length, start + maxChars);
        while (start > 0 && start < text.Length && !char.IsWhiteSpace(text[start - 1])) start++;
        while (end < text.Length && end > start && !char.IsWhiteSpace(text[end])) end--;
        if (end <= start) end = Math.Min(text.Length, start + maxChars);
        var segments = new List<TextSegment>();
        if (start > 0) segments.Add(new TextSegment("…", false));
        segments.AddRange(Segments(text, start, end, terms, tokens));
        if (end < text.Length) segments.Add(new TextSegment("…", false));
        return segments;
    }

    static List<TextSegment> Segments(string text, int start, int end, IReadOnlySet<string> terms, List<TextToken> tokens)
    {
        var segments = new List<TextSegment>();
        var at = start;
        foreach (var t in tokens)
        {
            if (t.Start < start || t.End > end || !terms.Contains(t.Term)) continue;
            if (t.Start > at) Add(segments, text[at..t.Start], false);
            Add(segments, text[t.Start..t.End], true);
            at = t.End;
        }
        if (at < end) Add(segments, text[at..end], false);
        return segments;
    }

    static void Add(List<TextSegment> segments, string text, bool matched)
    {
        if (text.Length == 0) return;
        // Two matched words separated by nothing merge; so do plain runs.
        if (segments.Count > 0 && segments[^1].Matched == matched)
            segments[^1] = new TextSegment(segments[^1].Text + text, matched);
        else segments.Add(new TextSegment(text, matched));
    }
}
