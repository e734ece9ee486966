using System.Numerics.Tensors;
namespace Paperboy.Search;

/// <summary>
/// The built-in embedder: latent semantic analysis learned from the instance's own papers, so
/// semantic search needs no download and no network.
///
/// Weighting is log-entropy (Dumais 1991, the best-performing LSA weighting in his comparison):
/// a_td = ln(1 + tf_td) · g_t with g_t = 1 + Σ_d p_td ln p_td / ln N, p_td = tf_td / gf_t, so a
/// word spread evenly over all papers weighs 0 and a word concentrated in a few weighs near 1.
/// Each paper's row is L2-normalised so long abstracts do not dominate the factorisation.
///
/// The factorisation is a randomized truncated SVD (Halko, Martinsson and Tropp 2011): a Gaussian
/// sketch of k+16 columns, two power iterations (enough for the slowly decaying spectrum of text),
/// then an exact eigen-decomposition of the small (k+16)² Gram matrix. A paper, new or old,
/// is embedded by folding in: e = normalize(a · V_k), which for training papers equals their
/// U_k Σ_k row, so fold-in and training agree exactly.
/// </summary>
public sealed class LsaEmbedder
{
    const int FileVersion = 1;
    const int Oversample = 16;
    const int PowerIterations = 2;

    /// <summary>Terms seen in fewer papers than this carry no co-occurrence signal and only cost memory.</summary>
    const int MinDocFrequency = 2;
    const int MaxVocabulary = 80_000;

    readonly Dictionary<string, int> _vocab;
    readonly float[] _globalWeight; // g_t per term
    readonly float[] _projection;   // V_k, term-major: row t is the k-vector of term t

    public int Dimensions { get; }
    public int TrainedOn { get; }

    LsaEmbedder(Dictionary<string, int> vocab, float[] globalWeight, float[] projection, int dimensions, int trainedOn)
    {
        _vocab = vocab;
        _globalWeight = globalWeight;
        _projection = projection;
        Dimensions = dimensions;
        TrainedOn = trainedOn;
    }

    /// <summary>No model: every vector is empty (while a first index is still being read).</summary>
    public static LsaEmbedder Empty { get; } = new(new Dictionary<string, int>(), [], [], 0, 0);

    /// <summary>The same model, remembered as trained for a corpus of this size (it may have seen a sample of it).</summary>
    public LsaEmbedder ForCorpus(int papers) => new(_vocab, _globalWeight, _projection, Dimensions, papers);

    /// <summary>Embeds analysed terms; a zero vector when none of them is known.</summary>
    public float[] Embed(IEnumerable<string> terms)
    {
        var v = new float[Dimensions];
        if (Dimensions == 0) return v;
        foreach (var (t, tf) in Count(terms))
        {
            var w = MathF.Log(1 + tf) * _globalWeight[t];
            if (w == 0) continue;
            TensorPrimitives.MultiplyAdd(_projection.AsSpan(t * Dimensions, Dimensions), w, v, v);
        }
        VectorMath.Normalize(v);
        return v;
    }

    Dictionary<int, int> Count(IEnumerable<string> terms)
    {
        var counts = new Dictionary<int, int>();
        foreach (var term in terms)
            if (_vocab.TryGetValue(term, out var t)) counts[t] = counts.GetValueOrDefault(t) + 1;
        return counts;
    }

    /// <summary>Learns the embedding from the corpus (each paper as its analysed terms).</summary>
    public static LsaEmbedder Train(IReadOnlyList<IReadOnlyList<string>> docs, int dimensions = 192, int seed = 42)
    {
        var n = docs.Count;
        // Vocabulary: document frequency ≥ 2, the most frequent first if it must be capped.
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var doc in docs)
            foreach (var term in doc.Distinct())
                df[term] = df.GetValueOrDefault(term) + 1;
        var terms = df.Where(kv => kv.Value >= MinDocFrequency)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(MaxVocabulary).Select(kv => kv.Key).ToArray();
        var vocab = new Dictionary<string, int>(terms.Length, StringComparer.Ordinal);
        for (var i = 0; i < terms.Length; i++) vocab[terms[i]] = i;
        var v = terms.Length;
        var k = Math.Max(0, Math.Min(dimensions, Math.Min(n, v) - 1));
        if (k < 2) return new LsaEmbedder(vocab, new float[v], [], 0, n);

        // Sparse term counts per paper (CSR) and the global frequencies for the entropy weight.
        var rowPtr = new int[n + 1];
        var cols = new List<int>();
        var tfs = new List<float>();
        var gf = new double[v];
        for (var d = 0; d < n; d++)
        {
            var counts = new Dictionary<int, int>();
            foreach (var term in docs[d])
                if (vocab.TryGetValue(term, out var t)) counts[t] = counts.GetValueOrDefault(t) + 1;
            foreach (var (t, c) in counts.OrderBy(kv => kv.Key)) { cols.Add(t); tfs.Add(c); gf[t] += c; }
            rowPtr[d + 1] = cols.Count;
        }
        var colIdx = cols.ToArray();
        var vals = tfs.ToArray();
        var entropy = new double[v];
        for (var i = 0; i < vals.Length; i++)
        {
            var p = vals[i] / gf[colIdx[i]];
            entropy[colIdx[i]] += p * Math.Log(p);
        }
        var logN = Math.Log(Math.Max(2, n));
        var g = new float[v];
        for (var t = 0; t < v; t++) g[t] = (float)Math.Max(0, 1 + entropy[t] / logN);
        for (var d = 0; d < n; d++)
        {
            double norm = 0;
            for (var i = rowPtr[d]; i < rowPtr[d + 1]; i++)
            {
                vals[i] = MathF.Log(1 + vals[i]) * g[colIdx[i]];
                norm += vals[i] * vals[i];
            }
            if (norm > 0)
            {
                var inv = (float)(1 / Math.Sqrt(norm));
                for (var i = rowPtr[d]; i < rowPtr[d + 1]; i++) vals[i] *= inv;
            }
        }
        var a = new SparseRows(n, v, rowPtr, colIdx, vals);
        var at = a.Transpose();

        var l = Math.Min(k + Oversample, Math.Min(n, v));
        var rng = new Random(seed);
        var omega = new float[v * l];
        for (var i = 0; i < omega.Length; i++) omega[i] = Gaussian(rng);

        var y = a.Multiply(omega, l);          // n×l
        Orthonormalize(y, n, l);
        for (var q = 0; q < PowerIterations; q++)
        {
            var z = at.Multiply(y, l);          // v×l
            Orthonormalize(z, v, l);
            y = a.Multiply(z, l);
            Orthonormalize(y, n, l);
        }
        var zf = at.Multiply(y, l);             // Z = Aᵀ Q (v×l), B = Zᵀ

        // B Bᵀ = Zᵀ Z (l×l, symmetric): its eigenvectors are B's left singular vectors U_B and
        // its eigenvalues the squared singular values.
        var zc = Columns(zf, v, l);
        var gram = new double[l * l];
        Parallel.For(0, l, i =>
        {
            for (var j = i; j < l; j++)
            {
                double s = TensorPrimitives.Dot(zc[i], zc[j]);
                gram[i * l + j] = s;
                gram[j * l + i] = s;
            }
        });
        var (eigenvalues, eigenvectors) = SymmetricEigen(gram, l);
        var order = Enumerable.Range(0, l).OrderByDescending(i => eigenvalues[i]).Take(k).ToArray();

        // V_k = Z U_B Σ⁻¹: W[i,j] = U_B[i, order j] / σ_j, then term t's row is Σ_i Z[t,i] W[i,·].
        var w = new float[l * k];
        for (var i = 0; i < l; i++)
            for (var j = 0; j < k; j++)
                w[i * k + j] = (float)(eigenvectors[i * l + order[j]] / Math.Sqrt(Math.Max(eigenvalues[order[j]], 1e-12)));
        var projection = new float[v * k];
        Parallel.For(0, v, t =>
        {
            var row = projection.AsSpan(t * k, k);
            for (var i = 0; i < l; i++) TensorPrimitives.MultiplyAdd(w.AsSpan(i * k, k), zf[t * l + i], row, row);
        });
        return new LsaEmbedder(vocab, g, projection, k, n);
    }

    static float Gaussian(Random rng)
    {
        // Box–Muller.
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    /// <summary>Modified Gram–Schmidt on the l columns of a row-major rows×l matrix, via a column-major copy.</summary>
    static void Orthonormalize(float[] m, int rows, int l)
    {
        var cols = Columns(m, rows, l);
        for (var j = 0; j < l; j++)
        {
            var cj = cols[j];
            // Twice is enough (Giraud et al.): one pass of MGS in float loses orthogonality on ill-conditioned sketches.
            for (var pass = 0; pass < 2; pass++)
            {
                var jj = j;
                var dots = new float[j];
                Parallel.For(0, j, i => dots[i] = TensorPrimitives.Dot(cols[i], cols[jj]));
                for (var i = 0; i < j; i++) TensorPrimitives.MultiplyAdd(cols[i], -dots[i], cj, cj);
            }
            if (!VectorMath.Normalize(cj)) cj.AsSpan().Clear();
        }
        for (var j = 0; j < l; j++)
            for (var r = 0; r < rows; r++) m[r * l + j] = cols[j][r];
    }

    static float[][] Columns(float[] m, int rows, int l)
    {
        var cols = new float[l][];
        for (var j = 0; j < l; j++) cols[j] = new float[rows];
        for (var r = 0; r < rows; r++)
            for (var j = 0; j < l; j++) cols[j][r] = m[r * l + j];
        return cols;
    }

    /// <summary>
    /// Eigen-decomposition of a symmetric n×n matrix (row-major): Householder reduction to tridiagonal form, then
    /// the implicit QL algorithm (EISPACK's tred2 and tql2, as in JAMA). Vectors are row-major with the eigenvectors
    /// in columns: component i of eigenvector j is <c>Vectors[i * n + j]</c>. It replaced cyclic Jacobi, whose ten
    /// or so sweeps over a ~200² Gram matrix took ~50 ms of a small catalog's index build; this is ~10× less.
    /// </summary>
    internal static (double[] Values, double[] Vectors) SymmetricEigen(double[] matrix, int n)
    {
        var v = (double[])matrix.Clone();
        var d = new double[n];
        var e = new double[n];
        if (n == 0) return (d, v);
        Tridiagonalize(v, d, e, n);
        DiagonalizeTridiagonal(v, d, e, n);
        return (d, v);
    }

    /// <summary>tred2: Householder reduction of v (symmetric) to tridiagonal form; v becomes the accumulated transformation.</summary>
    static void Tridiagonalize(double[] v, double[] d, double[] e, int n)
    {
        for (var j = 0; j < n; j++) d[j] = v[(n - 1) * n + j];
        for (var i = n - 1; i > 0; i--)
        {
            double scale = 0, h = 0;
            for (var k = 0; k < i; k++) scale += Math.Abs(d[k]);
            if (scale == 0)
            {
                e[i] = d[i - 1];
                for (var j = 0; j < i; j++)
                {
                    d[j] = v[(i - 1) * n + j];
                    v[i * n + j] = 0;
                    v[j * n + i] = 0;
                }
            }
            else
            {
                for (var k = 0; k < i; k++)
                {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                var f = d[i - 1];
                var g = Math.Sqrt(h);
                if (f > 0) g = -g;
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (var j = 0; j < i; j++) e[j] = 0;
                for (var j = 0; j < i; j++)
                {
                    f = d[j];
                    v[j * n + i] = f;
                    g = e[j] + v[j * n + j] * f;
                    for (var k = j + 1; k <= i - 1; k++)
                    {
                        g += v[k * n + j] * d[k];
                        e[k] += v[k * n + j] * f;
                    }
                    e[j] = g;
                }
                f = 0;
                for (var j = 0; j < i; j++)
                {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                var hh = f / (h + h);
                for (var j = 0; j < i; j++) e[j] -= hh * d[j];
                for (var j = 0; j < i; j++)
                {
                    f = d[j];
                    g = e[j];
                    for (var k = j; k <= i - 1; k++) v[k * n + j] -= f * e[k] + g * d[k];
                    d[j] = v[(i - 1) * n + j];
                    v[i * n + j] = 0;
                }
            }
            d[i] = h;
        }
        for (var i = 0; i < n - 1; i++)
        {
            v[(n - 1) * n + i] = v[i * n + i];
            v[i * n + i] = 1;
            var h = d[i + 1];
            if (h != 0)
            {
                for (var k = 0; k <= i; k++) d[k] = v[k * n + i + 1] / h;
                for (var j = 0; j <= i; j++)
                {
                    double g = 0;
                    for (var k = 0; k <= i; k++) g += v[k * n + i + 1] * v[k * n + j];
                    for (var k = 0; k <= i; k++) v[k * n + j] -= g * d[k];
                }
            }
            for (var k = 0; k <= i; k++) v[k * n + i + 1] = 0;
        }
        for (var j = 0; j < n; j++)
        {
            d[j] = v[(n - 1) * n + j];
            v[(n - 1) * n + j] = 0;
        }
        v[(n - 1) * n + n - 1] = 1;
        e[0] = 0;
    }

    /// <summary>tql2: the symmetric tridiagonal QL algorithm with implicit shifts; d gets the eigenvalues, v the eigenvectors.</summary>
    static void DiagonalizeTridiagonal(double[] v, double[] d, double[] e, int n)
    {
        for (var i = 1; i < n; i++) e[i - 1] = e[i];
        e[n - 1] = 0;
        double f = 0, tst1 = 0;
        var eps = Math.Pow(2, -52);
        for (var l = 0; l < n; l++)
        {
            tst1 = Math.Max(tst1, Math.Abs(d[l]) + Math.Abs(e[l]));
            var m = l;
            while (m < n && Math.Abs(e[m]) > eps * tst1) m++;
            if (m > l)
            {
                for (var iteration = 0; iteration < 100 && Math.Abs(e[l]) > eps * tst1; iteration++)
                {
                    var g = d[l];
                    var p = (d[l + 1] - g) / (2 * e[l]);
                    var r = Hypot(p, 1);
                    if (p < 0) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    var dl1 = d[l + 1];
                    var h = g - d[l];
                    for (var i = l + 2; i < n; i++) d[i] -= h;
                    f += h;

                    p = d[m];
                    double c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
                    var el1 = e[l + 1];
                    for (var i = m - 1; i >= l; i--)
                    {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        for (var k = 0; k < n; k++)
                        {
                            h = v[k * n + i + 1];
                            v[k * n + i + 1] = s * v[k * n + i] + c * h;
                            v[k * n + i] = c * v[k * n + i] - s * h;
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                }
            }
            d[l] += f;
            e[l] = 0;
        }
    }

    static double Hypot(double a, double b)
    {
        a = Math.Abs(a);
        b = Math.Abs(b);
        if (a < b) (a, b) = (b, a);
        if (a == 0) return 0;
        var ratio = b / a;
        return a * Math.Sqrt(1 + ratio * ratio);
    }

    public void Write(BinaryWriter w)
    {
        w.Write("PBLSA");
        w.Write(FileVersion);
        w.Write(Dimensions);
        w.Write(TrainedOn);
        var terms = new string[_vocab.Count];
        foreach (var (term, i) in _vocab) terms[i] = term;
        w.Write(terms.Length);
        for (var i = 0; i < terms.Length; i++) { w.Write(terms[i]); w.Write(_globalWeight[i]); }
        w.Write(_projection.Length);
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_projection.AsSpan()));
    }

    public static LsaEmbedder Read(BinaryReader r)
    {
        if (r.ReadString() != "PBLSA" || r.ReadInt32() != FileVersion) throw new InvalidDataException("not a Paperboy LSA model of this version");
        var k = r.ReadInt32();
        var trainedOn = r.ReadInt32();
        var count = r.ReadInt32();
        if (k < 0 || count < 0 || trainedOn < 0) throw new InvalidDataException("corrupt LSA header");
        var vocab = new Dictionary<string, int>(count, StringComparer.Ordinal);
        var g = new float[count];
        for (var i = 0; i < count; i++) { vocab[r.ReadString()] = i; g[i] = r.ReadSingle(); }
        var length = r.ReadInt32();
        if (length != (long)count * k) throw new InvalidDataException("corrupt LSA projection");
        var projection = new float[length];
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(projection.AsSpan());
        if (r.BaseStream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) != bytes.Length) throw new InvalidDataException("truncated LSA model");
        return new LsaEmbedder(vocab, g, projection, k, trainedOn);
    }

    /// <summary>A sparse matrix in compressed rows; products with row-major dense matrices.</summary>
    sealed class SparseRows(int rows, int cols, int[] rowPtr, int[] colIdx, float[] vals)
    {
        /// <summary>this (rows×cols) · m (cols×l, row-major) → rows×l.</summary>
        public float[] Multiply(float[] m, int l)
        {
            var result = new float[rows * l];
            Parallel.For(0, rows, r =>
            {
                var outRow = result.AsSpan(r * l, l);
                for (var i = rowPtr[r]; i < rowPtr[r + 1]; i++)
                    TensorPrimitives.MultiplyAdd(m.AsSpan(colIdx[i] * l, l), vals[i], outRow, outRow);
            });
            return result;
        }

        public SparseRows Transpose()
        {
            var counts = new int[cols + 1];
            foreach (var c in colIdx) counts[c + 1]++;
            for (var i = 0; i < cols; i++) counts[i + 1] += counts[i];
            var next = (int[])counts.Clone();
            var tIdx = new int[colIdx.Length];
            var tVals = new float[vals.Length];
            for (var r = 0; r < rows; r++)
                for (var i = rowPtr[r]; i < rowPtr[r + 1]; i++)
                {
                    var pos = next[colIdx[i]]++;
                    tIdx[pos] = r;
                    tVals[pos] = vals[i];
                }
            return new SparseRows(cols, rows, counts, tIdx, tVals);
        }
    }
}
