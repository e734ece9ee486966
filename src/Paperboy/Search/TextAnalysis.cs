using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace Paperboy.Search;

/// <summary>A token of analysed text: its index term (stemmed, lower-cased) and where it came from in the original.</summary>
public readonly record struct TextToken(string Term, int Start, int End, int Position);

/// <summary>
/// The one English analysis used for indexing, queries, highlights and the built-in embedder, so
/// that a word means the same thing everywhere: standard tokenizer, possessive filter, lower case,
/// English stop words, Porter stemming (Lucene's <see cref="EnglishAnalyzer"/>).
/// </summary>
public static class TextAnalysis
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    /// <summary>
    /// Snowball's English stop list (Porter's, 174 words) instead of Lucene's 33: questions such as
    /// "what articles deal with …" carry many function words that are noise to BM25 and to LSA alike.
    /// </summary>
    public static readonly CharArraySet StopWords = new(Version, ("""
        i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
        herself it its itself they them their theirs themselves what which who whom this that these those am is are
        was were be been being have has had having do does did doing would should could ought i'm you're he's
        she's it's we're they're i've you've we've they've i'd you'd he'd she'd we'd they'd i'll you'll he'll she'll we'll they'll
        isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't won't wouldn't shan't shouldn't can't cannot couldn't mustn't let's that's
        who's what's here's there's when's where's why's how's a an the and but if or because as until while of
        at by for with about against between into through during before after above below to from up down in out
        on off over under again further then once here there when where why how all any both each few more
        most other some such no nor not only own same so than too very
        """).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries), ignoreCase: true);

    // The analyzer is thread-safe: it keeps a token stream per thread and field.
    public static readonly Analyzer English = new EnglishAnalyzer(Version, StopWords);

    /// <summary>Tokens with their offsets. Never throws on odd input; text is capped to keep hostile input cheap.</summary>
    public static List<TextToken> Tokens(string? text, int maxChars = 100_000)
    {
        var tokens = new List<TextToken>();
        if (string.IsNullOrEmpty(text)) return tokens;
        if (text.Length > maxChars) text = text[..maxChars];
        using var stream = English.GetTokenStream("text", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        // Stop words leave gaps in positions; phrase queries must keep them to match the index.
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        var position = -1;
        stream.Reset();
        while (stream.IncrementToken())
        {
            position += increment.PositionIncrement;
            tokens.Add(new TextToken(term.ToString(), offset.StartOffset, offset.EndOffset, position));
        }
        stream.End();
        return tokens;
    }

    public static List<string> Terms(string? text, int maxChars = 100_000) =>
        Tokens(text, maxChars).Select(t => t.Term).ToList();
}
