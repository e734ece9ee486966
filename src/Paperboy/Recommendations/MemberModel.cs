using System.Numerics.Tensors;
using Paperboy.Search;

namespace Paperboy.Recommendations;

/// <summary>
/// Which features a model reads: the built-in LSA vector (<see cref="Dense"/>), the TF-IDF terms,
/// the neural model's vector (<see cref="Neural"/>). The offline evaluation compares them; the site
/// uses <see cref="MemberModel.SiteFeatures"/>.
/// </summary>
[Flags]
public enum FeatureSet
{
    Dense = 1,
    Terms = 2,
    Both = Dense | Terms,
    Neural = 4,
    NeuralTerms = Neural | Terms,
    All = Dense | Terms | Neural,
}

/// <summary>What the model says about one paper's score: the member's papers nearest to it and the words that weigh most.</summary>
public sealed record Evidence(IReadOnlyList<(int Row, float Similarity)> Near, IReadOnlyList<string> Terms);

/// <summary>
/// One member's linear model over a snapshot of the index: a weight per LSA dimension and per
/// term (and per dimension of the neural model's vector when it is used), trained on their papers
/// (positives) against explicit "not interested" marks and a sample of other papers (negatives).
/// score(p) = w_lsa·v_p + w_neural·n_p + Σ_t w_t·tfidf_t(p) + b. A paper the neural model has not
/// embedded yet contributes zeros to that block.
/// </summary>
public sealed class MemberModel
{
    /// <summary>Random other papers used as negatives: enough to cover the topics a member is not in, cheap to train.</summary>
    public const int SampledNegatives = 1500;
    /// <summary>An explicit "not interested" counts this many times a sampled negative.</summary>
    public const double DismissedWeight = 3;
    /// <summary>The SVM's C: strong regularisation suits a few dozen positives (C=0.01 won the offline evaluation over 0.03, 0.1 and 1).</summary>
    public const double DefaultCost = 0.01;

    /// <summary>
    /// What the site trains on when the neural vectors cover the index (<see cref="FeaturesFor"/>):
    /// the measured best in docs/RECOMMENDATIONS.md.
    /// </summary>
    public const FeatureSet SiteFeatures = FeatureSet.NeuralTerms;

    /// <summary>
    /// The site's features for a snapshot: the neural block only once nearly every paper has a vector
    /// (a model over a half-embedded index would learn "has a vector" as a topic).
    /// </summary>
    public static FeatureSet FeaturesFor(Snapshot s) =>
        s.Neural is { } n && s.Dense.Count > 0 && n.Count >= 0.9 * s.Dense.Count ? SiteFeatures : FeatureSet.Both;

    readonly float[] _dense;
    readonly float[] _neural;
    readonly Dictionary<string, float> _terms;
    readonly float _bias;
    readonly FeatureSet _features;

    public IReadOnlyList<int> Positives { get; }

    public FeatureSet Features => _features;

    MemberModel(float[] dense, float[] neural, Dictionary<string, float> terms, float bias, FeatureSet features, IReadOnlyList<int> positives)
    {
        _dense = dense;
        _neural = neural;
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
        if (s.Neural is null) features &= ~FeatureSet.Neural;
        var k = features.HasFlag(FeatureSet.Dense) ? dense.Dimensions : 0;
        var n = features.HasFlag(FeatureSet.Neural) ? s.Neural!.Dimensions : 0;
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var (pos, neg) = LinearSvm.Balanced(positives.Count, dismissed.Count + sampled.Count);
        var examples = new List<Example>(positives.Count + dismissed.Count + sampled.Count);
        foreach (var r in positives) examples.Add(ExampleOf(s, r, +1, pos, k, n, features, vocab));
        foreach (var r in dismissed) examples.Add(ExampleOf(s, r, -1, neg * DismissedWeight, k, n, features, vocab));
        foreach (var r in sampled) examples.Add(ExampleOf(s, r, -1, neg, k, n, features, vocab));
        var w = LinearSvm.Train(examples, k + n + vocab.Count, c);
        var terms = new Dictionary<string, float>(vocab.Count, StringComparer.Ordinal);
        foreach (var (term, i) in vocab)
            if (w[k + n + i] != 0) terms[term] = w[k + n + i];
        return new MemberModel(w[..k], w[k..(k + n)], terms, w[^1], features, positives);
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

    static Example ExampleOf(Snapshot s, int row, int label, double cost, int k, int n, FeatureSet features, Dictionary<string, int> vocab)
    {
        var index = new List<int>();
        var value = new List<float>();
        if (k > 0)
        {
            var v = s.Dense.Vector(row);
            for (var i = 0; i < k; i++) { index.Add(i); value.Add(v[i]); }
        }
        if (n > 0)
        {
            var v = new float[n];
            if (s.Neural!.TryCopy(s.Dense.Ids[row], v))
                for (var i = 0; i < n; i++) { index.Add(k + i); value.Add(v[i]); }
        }
        if (features.HasFlag(FeatureSet.Terms))
        {
            var t = PaperFeatures.Terms(s, row);
            for (var i = 0; i < t.Terms.Length; i++)
            {
                if (!vocab.TryGetValue(t.Terms[i], out var id)) vocab[t.Terms[i]] = id = vocab.Count;
                index.Add(k + n + id);
                value.Add(t.Weights[i]);
            }
        }
        return new Example(index.ToArray(), value.ToArray(), label, cost);
    }

    public double Score(Snapshot s, int row)
    {
        double score = _bias;
        if (_dense.Length > 0) score += TensorPrimitives.Dot(_dense, s.Dense.Vector(row));
        if (_neural.Length > 0)
        {
            Span<float> v = stackalloc float[_neural.Length];
            if (s.Neural!.TryCopy(s.Dense.Ids[row], v)) score += System.Numerics.Tensors.TensorPrimitives.Dot(_neural, v);
        }
        if (_features.HasFlag(FeatureSet.Terms))
        {
            var t = PaperFeatures.Terms(s, row);
            for (var i = 0; i < t.Terms.Length; i++)
                if (_terms.TryGetValue(t.Terms[i], out var w)) score += w * t.Weights[i];
        }
        return score;
    }

    /// <summary>
    /// The evidence behind a score, from the same vectors and weights: the member's papers closest to
    /// this one (cosine of the neural vectors when the model reads them, else of the LSA vectors) and
    /// the terms of this paper that the model weighs most and that the member's papers share.
    /// </summary>
    public Evidence Explain(Snapshot s, int row, int nearest = 2, int terms = 4)
    {
        var near = Positives.Select(p => (Row: p, Similarity: Closeness(s, row, p)))
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

    float Closeness(Snapshot s, int a, int b)
    {
        if (_neural.Length > 0)
        {
            Span<float> va = stackalloc float[_neural.Length], vb = stackalloc float[_neural.Length];
            if (s.Neural!.TryCopy(s.Dense.Ids[a], va) && s.Neural.TryCopy(s.Dense.Ids[b], vb))
                return System.Numerics.Tensors.TensorPrimitives.Dot(va, vb);
        }
        return TensorPrimitives.Dot(s.Dense.Vector(a), s.Dense.Vector(b));
    }
}
