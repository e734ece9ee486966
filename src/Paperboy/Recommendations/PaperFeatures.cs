using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Paperboy.Search;

namespace Paperboy.Recommendations;

/// <summary>A paper's words as TF-IDF: stemmed terms and their weights, L2-normalised.</summary>
public sealed record TermVector(string[] Terms, float[] Weights)
{
    public static readonly TermVector Empty = new([], []);
}

/// <summary>
/// What the recommender sees of a paper: its built-in LSA vector (<see cref="DenseIndex"/>) and its
/// TF-IDF terms, read from the Lucene term vectors of the same snapshot. Weights follow
/// arxiv-sanity's TfidfVectorizer: sublinear tf (1 + ln tf), smooth idf ln((N+1)/(df+1)) + 1, L2 norm.
/// Term vectors are kept per index reader: a paper's words do not change while the reader lives.
/// </summary>
public static class PaperFeatures
{
    sealed class ReaderCache(Snapshot s)
    {
        public readonly int[] RowToDoc = Invert(s.DocToRow, s.Dense.Count);
        public readonly ConcurrentDictionary<int, TermVector> Terms = new();
        public readonly ConcurrentDictionary<string, float> Idf = new(StringComparer.Ordinal);
    }

    static readonly ConditionalWeakTable<DirectoryReader, ReaderCache> Caches = new();

    /// <summary>Kept per reader up to this many papers (~1 KB each): the recent candidates and members' own papers.</summary>
    const int MaxCached = 60_000;

    public static TermVector Terms(Snapshot s, int row)
    {
        var cache = Caches.GetValue(s.Reader, _ => new ReaderCache(s));
        if (cache.Terms.TryGetValue(row, out var cached)) return cached;
        var vector = Read(s, cache, row);
        if (cache.Terms.Count < MaxCached) cache.Terms[row] = vector;
        return vector;
    }

    static TermVector Read(Snapshot s, ReaderCache cache, int row)
    {
        var doc = row < cache.RowToDoc.Length ? cache.RowToDoc[row] : -1;
        if (doc < 0 || s.Reader.GetTermVector(doc, Documents.Text) is not { } terms) return TermVector.Empty;
        var n = s.Reader.NumDocs;
        var words = new List<string>();
        var weights = new List<float>();
        var e = terms.GetEnumerator();
        while (e.MoveNext())
        {
            var text = e.Term.Utf8ToString();
            if (text.Length < 2 || text.All(char.IsDigit)) continue;
            var idf = cache.Idf.GetOrAdd(text, t => (float)(Math.Log((n + 1.0) / (s.Reader.DocFreq(new Term(Documents.Text, t)) + 1.0)) + 1));
            words.Add(text);
            weights.Add((1 + MathF.Log(e.TotalTermFreq)) * idf);
        }
        var w = weights.ToArray();
        VectorMath.Normalize(w);
        return new TermVector(words.ToArray(), w);
    }

    static int[] Invert(int[] docToRow, int rows)
    {
        var rowToDoc = new int[rows];
        Array.Fill(rowToDoc, -1);
        for (var d = 0; d < docToRow.Length; d++)
            if (docToRow[d] >= 0 && docToRow[d] < rows) rowToDoc[docToRow[d]] = d;
        return rowToDoc;
    }
}
