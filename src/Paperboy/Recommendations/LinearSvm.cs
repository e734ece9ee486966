namespace Paperboy.Recommendations;

/// <summary>A training example as sparse features (index, value), its label (+1/−1) and its cost weight.</summary>
public readonly record struct Example(int[] Index, float[] Value, int Label, double Cost);

/// <summary>
/// An L2-regularised, squared-hinge linear SVM trained by dual coordinate descent (Hsieh et al. 2008,
/// what liblinear and thus scikit-learn's LinearSVC run), with a bias as a constant feature of 1.
/// It is arxiv-sanity's classifier; at a member's scale (tens of positives, a few thousand
/// negatives, ~10⁴ features) training takes milliseconds.
/// Each example's cost weight carries class balancing ("balanced": n / (2·n_class)) and the
/// stronger weight of an explicit "not interested".
/// </summary>
public static class LinearSvm
{
    /// <summary>Returns the weights; the bias is the last entry (feature index <paramref name="features"/>).</summary>
    public static float[] Train(IReadOnlyList<Example> examples, int features, double c = 0.1, int maxIterations = 200, double tolerance = 1e-3, int seed = 7)
    {
        var w = new double[features + 1];
        var n = examples.Count;
        if (n == 0) return new float[features + 1];
        var alpha = new double[n];
        var diag = new double[n];
        var qii = new double[n];
        for (var i = 0; i < n; i++)
        {
            diag[i] = 0.5 / (c * examples[i].Cost);
            double sq = 1; // the bias feature
            foreach (var v in examples[i].Value) sq += v * v;
            qii[i] = sq + diag[i];
        }
        var order = Enumerable.Range(0, n).ToArray();
        var rng = new Random(seed);
        for (var iter = 0; iter < maxIterations; iter++)
        {
            rng.Shuffle(order);
            double maxPg = double.NegativeInfinity, minPg = double.PositiveInfinity;
            foreach (var i in order)
            {
                var x = examples[i];
                double wx = w[features];
                for (var k = 0; k < x.Index.Length; k++) wx += w[x.Index[k]] * x.Value[k];
                var g = x.Label * wx - 1 + diag[i] * alpha[i];
                var pg = alpha[i] == 0 ? Math.Min(g, 0) : g;
                maxPg = Math.Max(maxPg, pg);
                minPg = Math.Min(minPg, pg);
                if (Math.Abs(pg) < 1e-12) continue;
                var old = alpha[i];
                alpha[i] = Math.Max(old - g / qii[i], 0);
                var d = (alpha[i] - old) * x.Label;
                for (var k = 0; k < x.Index.Length; k++) w[x.Index[k]] += d * x.Value[k];
                w[features] += d;
            }
            if (maxPg - minPg < tolerance) break;
        }
        return w.Select(v => (float)v).ToArray();
    }

    /// <summary>Cost weights that give both classes equal total weight, as scikit-learn's class_weight="balanced".</summary>
    public static (double Positive, double Negative) Balanced(int positives, int negatives)
    {
        var n = positives + negatives;
        return (n / (2.0 * Math.Max(1, positives)), n / (2.0 * Math.Max(1, negatives)));
    }
}
