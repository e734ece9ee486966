using System.Numerics.Tensors;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Paperboy.Papers;

namespace Paperboy.Search;

public enum SearchMode { Hybrid, Keyword, Semantic }

public enum SearchSort { Relevance, Newest, Upvotes }

/// <summary>Filters a search can apply; all optional. Category "cs" matches every cs.* category.</summary>
public sealed record SearchFilters(DateOnly? From = null, DateOnly? To = null, string? Category = null, string? Author = null)
{
    public static readonly SearchFilters None = new();
}

public readonly record struct RankedPaper(string Id, double Score);

/// <summary>A model's paper vectors, looked up by paper id.</summary>
public interface IVectorSpace
{
    int Dimensions { get; }
    float[]? VectorOf(string id);
    List<(string Id, float Score)> Nearest(ReadOnlySpan<float> query, int take, Func<string, bool>? allow);
}

/// <summary>A model's paper vectors and the query embedded by the same model (the built-in one, or an external endpoint's).</summary>
public sealed record SemanticQuery(IVectorSpace Space, float[] Query);

/// <summary>An external model's vectors (a <see cref="DenseIndex"/> of its own) as a vector space.</summary>
public sealed class DenseSpace(DenseIndex dense) : IVectorSpace
{
    public int Dimensions => dense.Dimensions;
    public float[]? VectorOf(string id) => dense.Rows.TryGetValue(id, out var row) ? dense.Vector(row).ToArray() : null;
    public List<(string Id, float Score)> Nearest(ReadOnlySpan<float> query, int take, Func<string, bool>? allow) =>
        dense.Nearest(query, take, allow is null ? null : r => allow(dense.Ids[r])).Select(h => (dense.Ids[h.Row], h.Score)).ToList();
}

/// <summary>
/// The ranking itself, over one snapshot: BM25 keyword queries built from analysed terms,
/// dense nearest neighbours, RM3 feedback, reciprocal rank fusion and more-like-this.
/// </summary>
public sealed class Ranking(SearchSettings settings)
{
    /// <summary>
    /// Ranked ids for a parsed query. <paramref name="depth"/> is how many candidates each list
    /// contributes before fusion and sorting (the caller's offset + limit, at least 100).
    /// </summary>
    public List<RankedPaper> Rank(Snapshot s, ParsedQuery q, SearchMode mode, SearchFilters filters, SearchSort sort, int depth, SemanticQuery? semantic = null)
    {
        if (q.ArxivId is { } arxiv)
        {
            var hit = s.Dense.Rows.ContainsKey(arxiv);
            return hit ? [new RankedPaper(arxiv, 1.0)] : [];
        }
        var constraint = Constraint(q, filters);
        bool[]? allowed = constraint is null ? null : AllowedRows(s, constraint);

        List<(int Row, double Score)> ranked;
        if (!q.HasText)
        {
            // Only filters (author:, dates, category): every matching paper, newest first unless sorted otherwise.
            ranked = allowed is null ? [] : Enumerable.Range(0, allowed.Length).Where(r => allowed[r])
                .OrderByDescending(r => s.Dense.Facts[r].Day).ThenBy(r => s.Dense.Ids[r], StringComparer.Ordinal)
                .Select(r => (r, 1.0)).ToList();
        }
        else
        {
            // The relevance floor (docs/SEARCH.md, "Nothing found"): words that no paper has together are
            // not a match, and the semantic side only adds papers it is confident about. Every sort
            // orders this one set, so the count does not change with the sort.
            var together = WordsMatchTogether(s, q, constraint);
            ranked = mode switch
            {
                SearchMode.Keyword => together ? Keyword(s, q, constraint, depth) : [],
                SearchMode.Semantic => semantic is not null ? AtLeast(SemanticList(s, semantic, allowed, null, depth), settings.SemanticFloor)
                    : together ? LsaList(s, q, allowed, null, depth) : [],
                _ => Hybrid(s, q, constraint, allowed, depth, semantic, together),
            };
        }
        IEnumerable<(int Row, double Score)> ordered = sort switch
        {
            SearchSort.Newest => ranked.OrderByDescending(x => s.Dense.Facts[x.Row].Day).ThenByDescending(x => x.Score),
            SearchSort.Upvotes => ranked.OrderByDescending(x => s.Dense.Facts[x.Row].Upvotes).ThenByDescending(x => x.Score),
            _ => ranked,
        };
        return ordered.Select(x => new RankedPaper(s.Dense.Ids[x.Row], x.Score)).ToList();
    }

    List<(int Row, double Score)> Hybrid(Snapshot s, ParsedQuery q, Query? constraint, bool[]? allowed, int depth, SemanticQuery? semantic, bool together)
    {
        var keyword = together ? Keyword(s, q, constraint, depth) : [];
        if (settings.Rm3 && keyword.Count > 0)
        {
            var expanded = Rm3(s, q, keyword);
            if (expanded is not null) keyword = Search(s, expanded, constraint, depth);
        }
        // Which papers the result may hold: every keyword match, and papers the semantic lists bring only
        // above their floor. A dense list ranks the whole catalog, so without a floor any query, nonsense
        // included, would come back with "100 papers or more". The lists are still normalised whole, so
        // the floor changes which papers are shown, never how the kept ones are ordered.
        var members = keyword.Select(k => k.Row).ToHashSet();
        var lists = new List<(List<(int Row, double Score)> List, double Weight)>();
        if (semantic is not null)
        {
            var neural = SemanticList(s, semantic, allowed, keyword, depth);
            lists.Add((neural, settings.NeuralWeight));
            members.UnionWith(AtLeast(neural, settings.SemanticFloor).Select(n => n.Row));
            if (settings.LsaWeight > 0 && s.Dense.Dimensions > 0 && together)
            {
                // A large catalog: LSA only re-scores what the other two lists found, as the model's graph only finds candidates.
                var lsa = s.Dense.Count > settings.LsaScanUpTo
                    ? LsaList(s, q, allowed, keyword, depth, among: keyword.Select(k => k.Row).Concat(neural.Select(n => n.Row)))
                    : LsaList(s, q, allowed, keyword, depth);
                lists.Add((lsa, settings.LsaWeight));
                members.UnionWith(AtLeast(lsa, settings.LsaFloor).Select(n => n.Row));
            }
        }
        else if (s.Dense.Dimensions > 0 && together)
        {
            // No model vectors (yet): the corpus-trained LSA space is the semantic side.
            var lsa = LsaList(s, q, allowed, keyword, depth);
            lists.Add((lsa, settings.LinearDenseWeight));
            members.UnionWith(AtLeast(lsa, settings.LsaFloor).Select(n => n.Row));
        }
        return Fuse(keyword, lists, depth, members);
    }

    static List<(int Row, double Score)> AtLeast(List<(int Row, double Score)> list, double floor) =>
        list.Where(x => x.Score >= floor).ToList();

    /// <summary>
    /// Whether the query's words match as a query rather than one by one: with three words or more, some
    /// paper must have two of them ("xyzzy quantum banana lasagna" is not a search for quantum physics);
    /// one or two words, or an exact phrase, only need a paper that has them. Long natural-language
    /// queries (CACM's, Cranfield's) always pass: the floor is for nonsense, not for recall.
    /// </summary>
    bool WordsMatchTogether(Snapshot s, ParsedQuery q, Query? constraint)
    {
        if (q.Phrases.Count > 0 || q.Terms.Count == 0) return true;
        var query = new BooleanQuery { MinimumNumberShouldMatch = q.Terms.Count >= 3 ? 2 : 1 };
        foreach (var term in q.Terms) query.Add(TermClause(term, 1f), Occur.SHOULD);
        // Whether one paper matches, not which scores best: stop at the first (at a million papers, scoring every
        // paper with two common words cost ~30 ms a query, on every search and in every mode).
        var exists = new FirstMatch(s.DocToRow);
        s.Searcher.Search(constraint is null ? query : new FilteredQuery(query, new QueryWrapperFilter(constraint)), exists);
        return exists.Found;
    }

    /// <summary>Ends the search at the first live paper: Lucene stops a segment on <see cref="CollectionTerminatedException"/>.</summary>
    sealed class FirstMatch(int[] docToRow) : ICollector
    {
        int _docBase;
        public bool Found { get; private set; }
        public bool AcceptsDocsOutOfOrder => true;
        public void SetScorer(Scorer scorer) { }

        public void SetNextReader(AtomicReaderContext context)
        {
            if (Found) throw new CollectionTerminatedException();
            _docBase = context.DocBase;
        }

        public void Collect(int doc)
        {
            if (docToRow[_docBase + doc] < 0) return; // a paper no longer in the snapshot
            Found = true;
            throw new CollectionTerminatedException();
        }
    }

    /// <summary>
    /// The LSA list. With keyword hits to learn from, the query vector first moves towards their mean
    /// (Rocchio: q' = q + β · mean(top hits), renormalised). With <paramref name="among"/>, only those rows are scored.
    /// </summary>
    List<(int Row, double Score)> LsaList(Snapshot s, ParsedQuery q, bool[]? allowed, List<(int Row, double Score)>? feedback, int depth,
        IEnumerable<int>? among = null)
    {
        if (s.Dense.Dimensions == 0) return [];
        var vector = s.Lsa.Embed(TextAnalysis.Terms(q.FreeText));
        if (vector.Length != s.Dense.Dimensions) return [];
        if (feedback is { Count: > 0 } && settings.DenseFeedbackWeight > 0)
        {
            var rows = feedback.Take(settings.DenseFeedbackDocs).Select(f => f.Row).ToList();
            var centroid = new float[s.Dense.Dimensions];
            foreach (var r in rows) TensorPrimitives.MultiplyAdd(s.Dense.Vector(r), 1f / rows.Count, centroid, centroid);
            TensorPrimitives.MultiplyAdd(centroid, settings.DenseFeedbackWeight, vector, vector);
            VectorMath.Normalize(vector);
        }
        if (among is null) return Dense(s, vector, allowed, depth);
        return among.Distinct().Where(r => allowed is null || allowed[r]).Select(r => (Row: r, Score: (double)TensorPrimitives.Dot(vector, s.Dense.Vector(r))))
            .Where(x => x.Score > 0).OrderByDescending(x => x.Score).ThenBy(x => x.Row).Take(depth).ToList();
    }

    /// <summary>
    /// The model's list (built-in neural model or external endpoint), mapped to the snapshot's rows
    /// by id: a paper the snapshot does not have (hidden, not yet indexed) is skipped. Rocchio
    /// feedback from the top keyword hits as for LSA, with its own weight.
    /// </summary>
    List<(int Row, double Score)> SemanticList(Snapshot s, SemanticQuery semantic, bool[]? allowed, List<(int Row, double Score)>? feedback, int depth)
    {
        var space = semantic.Space;
        var vector = (float[])semantic.Query.Clone();
        if (vector.Length != space.Dimensions) return [];
        if (feedback is { Count: > 0 } && settings.NeuralFeedbackWeight > 0)
        {
            var vectors = feedback.Take(settings.NeuralFeedbackDocs).Select(f => space.VectorOf(s.Dense.Ids[f.Row])).OfType<float[]>().ToList();
            if (vectors.Count > 0)
            {
                var centroid = new float[space.Dimensions];
                foreach (var v in vectors) TensorPrimitives.MultiplyAdd(v, 1f / vectors.Count, centroid, centroid);
                TensorPrimitives.MultiplyAdd(centroid, settings.NeuralFeedbackWeight, vector, vector);
                VectorMath.Normalize(vector);
            }
        }
        var hits = space.Nearest(vector, depth, id => s.Dense.Rows.TryGetValue(id, out var row) && (allowed is null || allowed[row]));
        var result = new List<(int Row, double Score)>(hits.Count);
        foreach (var (id, score) in hits)
            if (s.Dense.Rows.TryGetValue(id, out var row)) result.Add((row, score));
        return result;
    }

    /// <summary>
    /// CombSUM of min–max normalised scores: (1 − Σw)·keyword + Σ wᵢ·listᵢ. Keeps how far apart the
    /// hits are, which ranks discard. <see cref="SearchSettings.LinearFusion"/> off: weighted
    /// reciprocal rank fusion instead, Σ w / (k + rank).
    /// </summary>
    List<(int Row, double Score)> Fuse(List<(int Row, double Score)> keyword, List<(List<(int Row, double Score)> List, double Weight)> others, int depth, HashSet<int>? members = null)
    {
        var combined = new Dictionary<int, double>();
        if (settings.LinearFusion)
        {
            var keywordWeight = 1 - others.Sum(o => o.Weight);
            foreach (var (row, score) in Normalize(keyword)) combined[row] = keywordWeight * score;
            foreach (var (list, weight) in others)
                foreach (var (row, score) in Normalize(list)) combined[row] = combined.GetValueOrDefault(row) + weight * score;
        }
        else
        {
            for (var i = 0; i < keyword.Count; i++) combined[keyword[i].Row] = 1.0 / (settings.RrfK + i + 1);
            foreach (var (list, weight) in others)
                for (var i = 0; i < list.Count; i++) combined[list[i].Row] = combined.GetValueOrDefault(list[i].Row) + weight * settings.DenseWeight / (settings.RrfK + i + 1);
        }
        return combined.Where(kv => members is null || members.Contains(kv.Key))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(depth).Select(kv => (kv.Key, kv.Value)).ToList();
    }

    static IEnumerable<(int Row, double Score)> Normalize(List<(int Row, double Score)> list)
    {
        if (list.Count == 0) yield break;
        var max = list.Max(x => x.Score);
        var min = list.Min(x => x.Score);
        var range = max - min;
        foreach (var (row, score) in list) yield return (row, range <= 0 ? 1 : (score - min) / range);
    }

    List<(int Row, double Score)> Keyword(Snapshot s, ParsedQuery q, Query? constraint, int depth)
    {
        var phrases = q.Phrases.Select(phrase =>
        {
            // An "exact phrase" must occur; it scores as a phrase too.
            var pq = new PhraseQuery();
            foreach (var t in phrase) pq.Add(new Term(Documents.Text, t.Term), t.Position);
            return pq;
        }).ToList();
        BooleanQuery Words(Occur each)
        {
            var query = new BooleanQuery();
            foreach (var term in q.Terms) query.Add(TermClause(term, 1f), each);
            foreach (var pq in phrases) query.Add(pq, Occur.MUST);
            return query;
        }
        // Every word in the text field (title and abstract), whose postings the conjunction walks one list each;
        // a title or author match only adds to the score of the papers it finds, as in the full query.
        BooleanQuery AllWordsInText()
        {
            var query = new BooleanQuery();
            foreach (var term in q.Terms)
                foreach (var field in FieldQueries(term))
                    query.Add(field, field.Term.Field == Documents.Text ? Occur.MUST : Occur.SHOULD);
            foreach (var pq in phrases) query.Add(pq, Occur.MUST);
            return query;
        }
        // A large catalog: the papers with every word first. Lucene.NET 4.8 scores every paper with any word
        // (~70 ms a query at a million papers, docs/PERFORMANCE.md); a conjunction walks the rarest word's postings.
        // BM25's scores are the same sums either way, so when enough papers have every word the list is the top of
        // the full one among them; with too few, the full search runs as before.
        if (s.Dense.Count > settings.ConjunctionFrom && q.Terms.Count >= 2)
        {
            var all = Search(s, settings.FlatConjunction ? AllWordsInText() : Words(Occur.MUST), constraint, depth);
            if (all.Count >= depth) return all;
        }
        return Search(s, Words(Occur.SHOULD), constraint, depth);
    }

    /// <summary>One query word over the fields: text (title+abstract) plus a title bonus and the author names.</summary>
    Query TermClause(string term, float weight)
    {
        var clause = new BooleanQuery { Boost = weight };
        foreach (var field in FieldQueries(term)) clause.Add(field, Occur.SHOULD);
        return clause;
    }

    /// <summary>Where a query word is matched: the text field, a title bonus and the author names, each with its boost.</summary>
    TermQuery[] FieldQueries(string term) =>
    [
        new TermQuery(new Term(Documents.Text, term)),
        new TermQuery(new Term(Documents.Title, term)) { Boost = settings.TitleBoost },
        new TermQuery(new Term(Documents.Authors, term)) { Boost = settings.AuthorBoost },
    ];

    static List<(int Row, double Score)> Search(Snapshot s, Query query, Query? constraint, int depth)
    {
        if (query is BooleanQuery { Clauses.Count: 0 }) return [];
        var q = constraint is null ? query : new FilteredQuery(query, new QueryWrapperFilter(constraint));
        var top = s.Searcher.Search(q, Math.Max(1, depth));
        var result = new List<(int, double)>(top.ScoreDocs.Length);
        foreach (var hit in top.ScoreDocs)
        {
            var row = s.DocToRow[hit.Doc];
            if (row >= 0) result.Add((row, hit.Score));
        }
        return result;
    }

    static List<(int Row, double Score)> Dense(Snapshot s, float[] vector, bool[]? allowed, int depth) =>
        s.Dense.Nearest(vector, depth, allowed is null ? null : r => allowed[r]).Select(x => (x.Row, (double)x.Score)).ToList();

    /// <summary>
    /// RM3 (Lavrenko and Croft's relevance model, interpolated as in Anserini): from the top
    /// feedback documents D, P(t|R) ∝ Σ_D P(t|D)·score(D) with P(t|D) = tf/|D|; keep the best
    /// terms, then weight(t) = α·P(t|Q) + (1−α)·P(t|R).
    /// </summary>
    Query? Rm3(Snapshot s, ParsedQuery q, List<(int Row, double Score)> initial)
    {
        var feedback = new Dictionary<string, double>(StringComparer.Ordinal);
        var docs = TopDocIds(s, initial, settings.FeedbackDocs);
        var scoreSum = docs.Sum(d => d.Score);
        if (scoreSum <= 0) return null;
        foreach (var (doc, score) in docs)
        {
            var terms = s.Reader.GetTermVector(doc, Documents.Text);
            if (terms is null) continue;
            var tfs = new List<(string, long)>();
            long length = 0;
            var e = terms.GetEnumerator();
            while (e.MoveNext())
            {
                var text = e.Term.Utf8ToString();
                var tf = e.TotalTermFreq;
                length += tf;
                if (text.Length < 2 || text.All(char.IsDigit)) continue;
                // As Anserini: a word in more than 10% of papers says nothing about this topic.
                if (s.Reader.DocFreq(new Term(Documents.Text, text)) > 0.1 * s.Reader.NumDocs) continue;
                tfs.Add((text, tf));
            }
            if (length == 0) continue;
            foreach (var (text, tf) in tfs)
                feedback[text] = feedback.GetValueOrDefault(text) + (double)tf / length * (score / scoreSum);
        }
        if (feedback.Count == 0) return null;
        var top = feedback.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(settings.FeedbackTerms).ToList();
        var topSum = top.Sum(kv => kv.Value);
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var term in q.Terms) weights[term] = settings.OriginalQueryWeight / q.Terms.Count;
        foreach (var (term, w) in top) weights[term] = weights.GetValueOrDefault(term) + (1 - settings.OriginalQueryWeight) * w / topSum;
        var query = new BooleanQuery();
        foreach (var (term, w) in weights) query.Add(TermClause(term, (float)w), Occur.SHOULD);
        foreach (var phrase in q.Phrases)
        {
            var pq = new PhraseQuery();
            foreach (var t in phrase) pq.Add(new Term(Documents.Text, t.Term), t.Position);
            query.Add(pq, Occur.MUST);
        }
        return query;
    }

    /// <summary>Lucene document numbers for the top rows (feedback needs term vectors, which live in Lucene).</summary>
    static List<(int Doc, double Score)> TopDocIds(Snapshot s, List<(int Row, double Score)> ranked, int take)
    {
        var wanted = ranked.Take(take).ToDictionary(x => x.Row, x => x.Score);
        var result = new List<(int, double)>(wanted.Count);
        for (var d = 0; d < s.DocToRow.Length && result.Count < wanted.Count; d++)
            if (s.DocToRow[d] >= 0 && wanted.TryGetValue(s.DocToRow[d], out var score)) result.Add((d, score));
        return result;
    }

    /// <summary>
    /// Papers like this one: its dense neighbours fused (RRF) with a more-like-this keyword query
    /// made of its most distinctive terms (tf · ln(N/df), top <see cref="SearchSettings.SimilarTerms"/>).
    /// </summary>
    public List<RankedPaper> Similar(Snapshot s, string id, int depth, IVectorSpace? space = null)
    {
        if (!s.Dense.Rows.TryGetValue(id, out var row)) return [];
        // The model's neighbours when the paper has its vector, else LSA's.
        var own = space?.VectorOf(id);
        var dense = own is not null ? SemanticList(s, new SemanticQuery(space!, own), null, null, depth + 1)
            : s.Dense.Dimensions == 0 ? [] : Dense(s, s.Dense.Vector(row).ToArray(), null, depth + 1);
        var denseWeight = own is not null ? settings.SimilarNeuralWeight : settings.LinearDenseWeight;
        var keyword = new List<(int Row, double Score)>();
        var doc = Array.IndexOf(s.DocToRow, row);
        if (doc >= 0 && s.Reader.GetTermVector(doc, Documents.Text) is { } terms)
        {
            var n = s.Reader.NumDocs;
            var scored = new List<(string Term, double Weight)>();
            var e = terms.GetEnumerator();
            while (e.MoveNext())
            {
                var text = e.Term.Utf8ToString();
                if (text.Length < 2 || text.All(char.IsDigit)) continue;
                var df = s.Reader.DocFreq(new Term(Documents.Text, text));
                if (df <= 1) continue; // a word no other paper has cannot find neighbours
                scored.Add((text, e.TotalTermFreq * Math.Log((double)n / df)));
            }
            var query = new BooleanQuery();
            foreach (var (term, _) in scored.OrderByDescending(x => x.Weight).ThenBy(x => x.Term, StringComparer.Ordinal).Take(settings.SimilarTerms))
                query.Add(TermClause(term, 1f), Occur.SHOULD);
            keyword = Search(s, query, null, depth + 1);
        }
        keyword.RemoveAll(x => x.Row == row);
        dense.RemoveAll(x => x.Row == row);
        if (settings.SimilarSource == 1) keyword.Clear();
        if (settings.SimilarSource == 2) dense.Clear();
        return Fuse(keyword, [(dense, denseWeight)], depth).Select(x => new RankedPaper(s.Dense.Ids[x.Row], x.Score)).ToList();
    }

    static Query? Constraint(ParsedQuery q, SearchFilters f)
    {
        var must = new BooleanQuery();
        foreach (var phrase in q.Phrases)
        {
            var pq = new PhraseQuery();
            foreach (var t in phrase) pq.Add(new Term(Documents.Text, t.Term), t.Position);
            must.Add(pq, Occur.MUST);
        }
        foreach (var name in q.Authors.Append(f.Author).OfType<string>())
        {
            // One word is a name part anywhere ("author:hinton" finds "Geoffrey E. Hinton"); a full name is
            // those words in that order, next to each other: "Jie Wu" is not "Jie Jiang; Liang Wu".
            var words = TextAnalysis.Tokens(name).Take(8).ToList();
            if (words.Count == 0) continue;
            if (words.Count == 1)
            {
                must.Add(new TermQuery(new Term(Documents.Authors, words[0].Term)), Occur.MUST);
                continue;
            }
            var exact = new PhraseQuery();
            foreach (var w in words) exact.Add(new Term(Documents.Authors, w.Term), w.Position);
            must.Add(exact, Occur.MUST);
        }
        if (!string.IsNullOrWhiteSpace(f.Category))
        {
            var c = f.Category.Trim().ToLowerInvariant();
            var any = new BooleanQuery
            {
                { new TermQuery(new Term(Documents.Category, c)), Occur.SHOULD },
                { new PrefixQuery(new Term(Documents.Category, c + ".")), Occur.SHOULD },
            };
            must.Add(any, Occur.MUST);
        }
        if (f.From is not null || f.To is not null)
        {
            must.Add(TermRangeQuery.NewStringRange(Documents.Published,
                f.From is { } from ? Storage.StoredTime.FormatDay(from) : null, f.To is { } to ? Storage.StoredTime.FormatDay(to) : null, true, true), Occur.MUST);
        }
        return must.Clauses.Count == 0 ? null : must;
    }

    static bool[] AllowedRows(Snapshot s, Query constraint)
    {
        var rows = new bool[s.Dense.Count];
        s.Searcher.Search(constraint, new RowCollector(s.DocToRow, rows));
        return rows;
    }

    sealed class RowCollector(int[] docToRow, bool[] rows) : ICollector
    {
        int _docBase;
        public void SetScorer(Scorer scorer) { }
        public void Collect(int doc)
        {
            var row = docToRow[_docBase + doc];
            if (row >= 0) rows[row] = true;
        }
        public void SetNextReader(AtomicReaderContext context) => _docBase = context.DocBase;
        public bool AcceptsDocsOutOfOrder => true;
    }
}
