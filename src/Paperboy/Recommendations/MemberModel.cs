using Paperboy.Search;

namespace Paperboy.Recommendations;

/// <summary>Which features a model reads: the offline evaluation compares them, the site uses <see cref="Both"/>.</summary>
public enum FeatureSet { Dense, Terms, Both }

/// <summary>What the model says about one paper's score: the member's papers nearest to it and the words that weigh most.</summary>
public sealed record Evidence(IReadOnlyList<(int Row, float Similarity)> Near, IReadOnlyList<string> Terms);

/// <summary>
/// One member's linear model over a snapshot of the index: a weight per LSA dimension and per
/// term, trained on their papers (positives) against explicit "not interested" marks and a sample
/// of other papers (negatives). score(p) = w_dense·v_p + Σ_t w_t·tfidf_t(p) + b.
/// </summary>
public sealed class MemberModel
{
    /// <summary>Random other papers used as negatives: enough to cover the topics a member is not in, cheap to train.</summary>
    public const int SampledNegatives = 1500;
    /// <summary>An explicit "not interested" counts this many times a sampled negative.</summary>
    public const double DismissedWeight = 3;
    /// <summary>The SVM's C: strong regularisation suits a few dozen positives (C=0.01 won the offline evaluation over 0.03, 0.1 and 1).</summary>
    public const double DefaultCost = 0.01;

    readonly float[] _dense;
    readonly Dictionary<string, float> _terms;
    readonly float _bias;
    readonly FeatureSet _features;

    public IReadOnlyList<int> Positives { get; }

    MemberModel(float[] dense, Dictionary<string, float> terms, float bias, FeatureSet features, IReadOnlyList<int> positives)
    {
        _dense = dense;
        _terms = terms;
        _bias = bias;
        _features = features;
        Positives = positives;
    }

    /// <summary>
    /// Trains on rows of the snapshot. Negatives: the dismissed rows, plus <paramref name="negatives"/>
    /// when given (arxiv-sanity uses every other paper) or a seeded sample of other rows.
    /// </summary>
    public static MemberModel Train(Snapshot s, IReadOnlyList<int> positives, IReadOnlyList<int> dismissed, int seed,
        FeatureSet features = FeatureSet.Both, IReadOnlyList<int>? negatives = null, double c = DefaultCost)
    {
        var dense = s.Dense;
        var own = positives.Concat(dismissed).ToHashSet();
        var sampled = negatives?.Where(r => !own.Contains(r)).ToList() ?? Sample(dense.Count, own, seed);
        var k = features == FeatureSet.Terms ? 0 : dense.Dimensions;
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var (pos, neg) = LinearSvm.Balanced(positives.Count, dismissed.Count + sampled.Count);
        var examples = new List<Example>(positives.Count + dismissed.Count + sampled.Count);
        foreach (var r in positives) examples.Add(ExampleOf(s, r, +1, pos, k, features, vocab));
        foreach (var r in dismissed) examples.Add(ExampleOf(s, r, -1, neg * DismissedWeight, k, features, vocab));
        foreach (var r in sampled) examples.Add(ExampleOf(s, r, -1, neg, k, features, vocab));
        var w = LinearSvm.Train(examples, k + vocab.Count, c);
        var terms = new Dictionary<string, float>(vocab.Count, StringComparer.Ordinal);
        foreach (var (term, i) in vocab)
            if (w[k + i] != 0) terms[term] = w[k + i];
        return new MemberModel(w[..k], terms, w[^1], features, positives);
    }

    static List<int> Sample(int count, HashSet<int> exclude, int seed)
    {
        var rng = new Random(seed);
        var want = Math.Min(SampledNegatives, Math.Max(0, count - exclude.Count));
        var picked = new HashSet<int>();
        // Rejection sampling; bounded so a tiny index cannot loop forever.
        for (var tries = 0; picked.Count < want && tries < want * 20; tries++)
        {
            var r = rng.Next(count);
            if (!exclude.Contains(r)) picked.Add(r);
        }
        return picked.Order().ToList();
    }

    static Example ExampleOf(Snapshot s, int row, int label, double cost, int k, FeatureSet features, Dictionary<string, int> vocab)
    {
        var index = new List<int>();
        var value = new List<float>();
        if (k > 0)
        {
            var v = s.Dense.Vector(row);
            for (var i = 0; i < k; i++) { index.Add(i); value.Add(v[i]); }
        }
        if (features != FeatureSet.Dense)
        {
            var t = PaperFeatures.Terms(s, row);
            for (var i = 0; i < t.Terms.Length; i++)
            {
                if (!vocab.TryGetValue(t.Terms[i], out var id)) vocab[t.Terms[i]] = id = vocab.Count;
                index.Add(k + id);
                value.Add(t.Weights[i]);
            }
        }
        return new Example(index.ToArray(), value.ToArray(), label, cost);
    }

    public double Score(Snapshot s, int row)
    {
        double score = _bias;
        if (_dense.Length > 0) score += VectorMath.Dot(_dense, s.Dense.Vector(row));
        if (_features != FeatureSet.Dense)
        {
            var t = PaperFeatures.Terms(s, row);
            for (var i = 0; i < t.Terms.Length; i++)
                if (_terms.TryGetValue(t.Terms[i], out var w)) score += w * t.Weights[i];
        }
        return score;
    }

    /// <summary>
    /// The evidence behind a score, from the same vectors and weights: the member's papers closest to
    /// this one (cosine of LSA vectors) and the terms of this paper that the model weighs most and
    /// that the member's papers share.
    /// </summary>
    public Evidence Explain(Snapshot s, int row, int nearest = 2, int terms = 4)
    {
        var v = s.Dense.Vector(row).ToArray();
        var near = Positives.Select(p => (Row: p, Similarity: VectorMath.Dot(v, s.Dense.Vector(p))))
            .Where(x => x.Similarity > 0).OrderByDescending(x => x.Similarity).ThenBy(x => x.Row).Take(nearest).ToList();
        var mine = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in Positives) mine.UnionWith(PaperFeatures.Terms(s, p).Terms);
        var t = PaperFeatures.Terms(s, row);
        var top = Enumerable.Range(0, t.Terms.Length)
            .Where(i => mine.Contains(t.Terms[i]) && _terms.GetValueOrDefault(t.Terms[i]) > 0)
            .Select(i => (Term: t.Terms[i], Weight: _terms[t.Terms[i]] * t.Weights[i]))
            .OrderByDescending(x => x.Weight).ThenBy(x => x.Term, StringComparer.Ordinal).Take(terms).Select(x => x.Term).ToList();
        return new Evidence(near, top);
    }
}
