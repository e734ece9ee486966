using System.Numerics.Tensors;
using Paperboy.Search;

namespace Paperboy.Recommendations;

/// <summary>One of a member's interests: the positives that form it, its own model, and the words that name it.</summary>
public sealed record Interest(IReadOnlyList<int> Positives, MemberModel Model, IReadOnlyList<string> Label);

/// <summary>
/// A member's positives split into the separate interests they belong to, each with its own model,
/// so that one interest's papers do not blur another's (one linear model over "graph networks" and
/// "medical imaging" scores the papers in between best). Interests are clusters of the positives'
/// vectors (the neural model's where every positive has one, else LSA): spherical k-means for
/// k = 1..<see cref="MaxInterests"/>, keeping the k whose silhouette clears <see cref="MinSilhouette"/>
/// with every cluster at least <see cref="MinPositives"/> papers. A pick's score is the standardised
/// score of the model of all positives together plus its best among the interests' models
/// (docs/RECOMMENDATIONS.md has the measurements).
/// </summary>
public sealed class MemberInterests
{
    public const int MaxInterests = 3;
    /// <summary>An interest needs this many papers to get a model of its own.</summary>
    public const int MinPositives = 4;
    /// <summary>Below this mean silhouette a split is noise and the member is one interest.</summary>
    public const double MinSilhouette = 0.06;
    /// <summary>Clustering looks at the member's newest positives, up to this many (cost is quadratic).</summary>
    const int MaxClustered = 400;

    public IReadOnlyList<Interest> Interests { get; }

    /// <summary>The model of all the member's positives together, which also competes for each paper (null with one interest).</summary>
    readonly MemberModel? _whole;

    MemberInterests(IReadOnlyList<Interest> interests, MemberModel? whole)
    {
        Interests = interests;
        _whole = whole;
    }

    public static MemberInterests Train(Snapshot s, IReadOnlyList<int> positives, IReadOnlyList<int> dismissed, int seed, FeatureSet features,
        double minSilhouette = MinSilhouette)
    {
        // One seed for every member: the same papers form the same interests whoever saved them.
        var groups = Cluster(s, positives.TakeLast(MaxClustered).ToList(), ClusterSeed, minSilhouette, features.HasFlag(FeatureSet.Neural));
        // A member with more positives than are clustered: the older ones join the largest interest.
        if (positives.Count > MaxClustered) groups[0].AddRange(positives.Take(positives.Count - MaxClustered));
        var interests = groups.Select(g =>
        {
            var model = MemberModel.Train(s, g, dismissed, seed, features);
            return new Interest(g, model, Label(s, g));
        }).ToList();
        var whole = interests.Count > 1 ? MemberModel.Train(s, positives, dismissed, seed, features) : null;
        return new MemberInterests(interests, whole);
    }

    /// <summary>
    /// The best <paramref name="take"/> candidates by the whole model's standardised score plus the
    /// best standardised score among the interests' models. Returns the row, the interest whose
    /// model rates it highest, and the score.
    /// </summary>
    public List<(int Row, int Interest, double Score)> Rank(Snapshot s, IReadOnlyCollection<int> candidates, int take)
    {
        if (Interests.Count == 1)
        {
            var model = Interests[0].Model;
            return candidates.Select(r => (Row: r, Interest: 0, Score: model.Score(s, r)))
                .OrderByDescending(x => x.Score).ThenBy(x => x.Row).Take(take).ToList();
        }
        // Scores are standardised over the candidates (the models differ in scale). The whole model
        // keeps what all the member's papers agree on; the best interest lifts a paper that one
        // interest's own model rates highly, which the whole model averages away. Measured against
        // the alternatives (the best of the models alone, interleaving, nearest interest centre) in
        // docs/RECOMMENDATIONS.md.
        var rows = candidates.ToArray();
        var whole = Standardised(rows.Select(r => _whole!.Score(s, r)).ToArray());
        var best = new (double Z, int Interest)[rows.Length];
        Array.Fill(best, (double.NegativeInfinity, -1));
        for (var i = 0; i < Interests.Count; i++)
        {
            var z = Standardised(rows.Select(r => Interests[i].Model.Score(s, r)).ToArray());
            for (var j = 0; j < rows.Length; j++)
                if (z[j] > best[j].Z) best[j] = (z[j], i);
        }
        return Enumerable.Range(0, rows.Length).Select(j => (Row: rows[j], best[j].Interest, Score: whole[j] + best[j].Z))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Row).Take(take).ToList();
    }

    static double[] Standardised(double[] scores)
    {
        if (scores.Length == 0) return scores;
        var mean = scores.Average();
        var sd = Math.Sqrt(scores.Average(x => (x - mean) * (x - mean)));
        return scores.Select(x => sd > 0 ? (x - mean) / sd : 0).ToArray();
    }

    /// <summary>The interest whose model likes this paper best (for a paper the personal ranking did not place).</summary>
    public int Closest(Snapshot s, int row) =>
        Enumerable.Range(0, Interests.Count).MaxBy(i => Interests[i].Model.Score(s, row));

    static List<List<int>> Cluster(Snapshot s, List<int> rows, int seed, double minSilhouette, bool neural)
    {
        var vectors = Vectors(s, rows, neural);
        var single = new List<List<int>> { rows.ToList() };
        if (rows.Count < 2 * MinPositives || double.IsPositiveInfinity(minSilhouette)) return single;
        (double Silhouette, List<List<int>> Groups) best = (minSilhouette, single);
        for (var k = 2; k <= MaxInterests && k * MinPositives <= rows.Count; k++)
        {
            // The best of several starts: one start's split depends on which papers seeded it, so the
            // same papers could form two interests for one member and one for another.
            var assign = Enumerable.Range(0, Restarts).Select(t => KMeans(vectors, k, seed * Restarts + t))
                .MaxBy(a => Cohesion(vectors, a, k))!;
            var sizes = new int[k];
            foreach (var a in assign) sizes[a]++;
            if (sizes.Any(n => n < MinPositives)) continue;
            var silhouette = Silhouette(vectors, assign, k);
            if (silhouette > best.Silhouette)
                best = (silhouette, Enumerable.Range(0, k).Select(c => rows.Where((_, i) => assign[i] == c).ToList())
                    .OrderByDescending(g => g.Count).ToList());
        }
        return best.Groups;
    }

    /// <summary>Unit vectors of the rows: the neural model's when every row has one, else LSA.</summary>
    static float[][] Vectors(Snapshot s, List<int> rows, bool neural)
    {
        if (neural && s.Neural is { } n)
        {
            var result = new float[rows.Count][];
            var complete = true;
            for (var i = 0; i < rows.Count && complete; i++)
            {
                result[i] = new float[n.Dimensions];
                complete = n.TryCopy(s.Dense.Ids[rows[i]], result[i]);
            }
            if (complete) return result;
        }
        return rows.Select(r =>
        {
            var v = s.Dense.Vector(r).ToArray();
            VectorMath.Normalize(v);
            return v;
        }).ToArray();
    }

    /// <summary>Spherical k-means (cosine), seeded k-means++; deterministic for a seed.</summary>
    static int[] KMeans(float[][] x, int k, int seed)
    {
        var rng = new Random(seed);
        var dims = x[0].Length;
        var centres = new List<float[]> { x[rng.Next(x.Length)].ToArray() };
        while (centres.Count < k)
        {
            var d = x.Select(v => Math.Max(0, 1 - centres.Max(c => TensorPrimitives.Dot(v, c)))).ToArray();
            var sum = d.Sum();
            var pick = rng.NextDouble() * sum;
            var i = 0;
            for (; i < x.Length - 1 && (pick -= d[i]) > 0; i++) { }
            centres.Add(x[i].ToArray());
        }
        var assign = new int[x.Length];
        for (var iteration = 0; iteration < 25; iteration++)
        {
            var changed = false;
            for (var i = 0; i < x.Length; i++)
            {
                var a = 0;
                for (var c = 1; c < k; c++)
                    if (TensorPrimitives.Dot(x[i], centres[c]) > TensorPrimitives.Dot(x[i], centres[a])) a = c;
                changed |= a != assign[i];
                assign[i] = a;
            }
            if (!changed && iteration > 0) break;
            foreach (var c in centres) Array.Clear(c);
            for (var i = 0; i < x.Length; i++) TensorPrimitives.MultiplyAdd(x[i], 1, centres[assign[i]], centres[assign[i]]);
            foreach (var c in centres) VectorMath.Normalize(c);
        }
        return assign;
    }

    const int Restarts = 8;
    const int ClusterSeed = 1;

    /// <summary>k-means' objective: the summed cosine of each paper to its interest's centre (higher is tighter).</summary>
    static double Cohesion(float[][] x, int[] assign, int k)
    {
        var centres = Enumerable.Range(0, k).Select(_ => new float[x[0].Length]).ToArray();
        for (var i = 0; i < x.Length; i++) TensorPrimitives.Add(centres[assign[i]], x[i], centres[assign[i]]);
        // |Σ x| over a cluster of unit vectors = Σ cos(x, centre).
        return centres.Sum(c => (double)TensorPrimitives.Norm(c));
    }

    /// <summary>Mean silhouette with cosine distance: how much nearer each paper is to its own interest than to the next.</summary>
    static double Silhouette(float[][] x, int[] assign, int k)
    {
        var total = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var sums = new double[k];
            var counts = new int[k];
            for (var j = 0; j < x.Length; j++)
            {
                if (j == i) continue;
                sums[assign[j]] += 1 - TensorPrimitives.Dot(x[i], x[j]);
                counts[assign[j]]++;
            }
            var own = counts[assign[i]] == 0 ? 0 : sums[assign[i]] / counts[assign[i]];
            var other = Enumerable.Range(0, k).Where(c => c != assign[i] && counts[c] > 0).Select(c => sums[c] / counts[c]).DefaultIfEmpty(own).Min();
            var max = Math.Max(own, other);
            total += max <= 0 ? 0 : (other - own) / max;
        }
        return total / x.Length;
    }

    /// <summary>
    /// The interest's name: the stems that weigh most over its papers (TF-IDF summed), among those
    /// that at least a fifth of them carry.
    /// </summary>
    static List<string> Label(Snapshot s, List<int> rows, int words = 3)
    {
        var weight = new Dictionary<string, double>(StringComparer.Ordinal);
        var papers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            var t = PaperFeatures.Terms(s, r);
            for (var i = 0; i < t.Terms.Length; i++)
            {
                weight[t.Terms[i]] = weight.GetValueOrDefault(t.Terms[i]) + t.Weights[i];
                papers[t.Terms[i]] = papers.GetValueOrDefault(t.Terms[i]) + 1;
            }
        }
        var minPapers = Math.Max(2, rows.Count / 5);
        return weight.Where(kv => papers[kv.Key] >= minPapers && kv.Key.Length > 2)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(words).Select(kv => kv.Key).ToList();
    }
}
