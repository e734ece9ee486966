using System.Text;
using Paperboy.Papers;

namespace Paperboy.Search;

/// <summary>
/// What a user typed, taken apart without exposing any engine syntax: plain words, "exact phrases",
/// <c>author:Name</c> (or <c>author:"First Last"</c>) and a whole-query arXiv id or URL.
/// Anything else — stray quotes, <c>*:*</c>, AND/OR, control characters — is just text, and
/// parsing never throws.
/// </summary>
public sealed record ParsedQuery(
    string? ArxivId,
    IReadOnlyList<string> Terms,
    IReadOnlyList<IReadOnlyList<TextToken>> Phrases,
    IReadOnlyList<string> Authors,
    string FreeText)
{
    /// <summary>Longer queries are cut: 1,000 characters is far beyond any real query and keeps hostile input cheap.</summary>
    public const int MaxChars = 1000;

    /// <summary>Distinct analysed terms kept; Lucene's boolean clause limit is 1,024 and each term spans three fields.</summary>
    public const int MaxTerms = 64;

    public bool IsEmpty => ArxivId is null && Terms.Count == 0 && Phrases.Count == 0 && Authors.Count == 0;

    /// <summary>Words or phrases to rank by. Without them the query is filters alone: every match, newest first, counted exactly.</summary>
    public bool HasText => Terms.Count > 0 || Phrases.Count > 0;

    /// <summary>Every analysed term the user asked for, phrases included: what highlights mark.</summary>
    public IEnumerable<string> AllTerms => Terms.Concat(Phrases.SelectMany(p => p.Select(t => t.Term)));

    public static ParsedQuery Parse(string? input)
    {
        var text = Clean(input);
        var arxiv = Papers.ArxivId.Parse(text);
        if (arxiv is not null && !text.Contains(' ', StringComparison.Ordinal))
            return new ParsedQuery(arxiv.Value.Id, [], [], [], "");

        var words = new StringBuilder();
        var phrases = new List<IReadOnlyList<TextToken>>();
        var rawPhrases = new List<string>();
        var authors = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            if (StartsWithAuthor(text, i))
            {
                i += "author:".Length;
                string name;
                if (i < text.Length && text[i] == '"')
                {
                    var close = text.IndexOf('"', i + 1);
                    name = close < 0 ? text[(i + 1)..] : text[(i + 1)..close];
                    i = close < 0 ? text.Length : close + 1;
                }
                else
                {
                    var end = text.IndexOf(' ', i);
                    name = end < 0 ? text[i..] : text[i..end];
                    i = end < 0 ? text.Length : end;
                }
                if (AuthorKey.Of(name).Length > 0) authors.Add(name.Trim());
                continue;
            }
            if (text[i] == '"')
            {
                var close = text.IndexOf('"', i + 1);
                if (close > i)
                {
                    var terms = TextAnalysis.Tokens(text[(i + 1)..close]);
                    if (terms.Count == 1) words.Append(' ').Append(text[(i + 1)..close]).Append(' ');
                    else if (terms.Count > 1) { phrases.Add(terms.Take(MaxTerms).ToList()); rawPhrases.Add(text[(i + 1)..close]); }
                    words.Append(' ');
                    i = close + 1;
                    continue;
                }
                // An unbalanced quote is ordinary punctuation.
                words.Append(' ');
                i++;
                continue;
            }
            words.Append(text[i]);
            i++;
        }

        var free = words.ToString();
        var distinct = TextAnalysis.Terms(free).Distinct(StringComparer.Ordinal).Take(MaxTerms).ToList();
        // Dense embedders see the words and the phrases, not the author filter.
        var freeText = string.Join(' ', new[] { free }.Concat(rawPhrases)).Trim();
        return new ParsedQuery(null, distinct, phrases.Take(8).ToList(), authors.Take(8).ToList(), freeText);
    }

    static bool StartsWithAuthor(string text, int i) =>
        (i == 0 || text[i - 1] == ' ') && string.Compare(text, i, "author:", 0, 7, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>Control characters become spaces, runs of space collapse, and the length is capped.</summary>
    static string Clean(string? input)
    {
        if (string.IsNullOrEmpty(input)) return "";
        var s = input.Length > MaxChars ? input[..MaxChars] : input;
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s)
        {
            var c = char.IsControl(ch) || char.IsWhiteSpace(ch) || char.IsSurrogate(ch) ? ' ' : ch;
            if (c == ' ' && (sb.Length == 0 || sb[^1] == ' ')) continue;
            sb.Append(c);
        }
        return sb.ToString().Trim();
    }
}
