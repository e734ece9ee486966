using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Paperboy.Search;

/// <summary>
/// The built-in model's vectors in memory, one row per paper, quantised: each vector is kept as
/// int8 codes with one scale (384 bytes instead of 1,536; a million papers fit in 390 MB, and a
/// query reads a quarter of the memory). A query scores every row's codes against its own 16-bit
/// values with AVX2's pairwise multiply-add; the cosine error is about 0.001, below what moves a
/// ranking. docs/SEARCH.md has recall@10 and timings against exact float search, and what was
/// tried for sub-linear search (a sign sketch) and why it is not used.
/// Rows grow in chunks so the table never copies; a vector is written in place when the embedder
/// replaces it (a query reading it at that instant scores one paper with a mix of old and new
/// codes, which is harmless). Rows are never removed: a hidden paper's row stays, and the search
/// maps rows to the snapshot's papers, which no longer include it.
/// </summary>
public sealed class NeuralIndex : IVectorSpace
{
    const int ChunkRows = 4096;
    public int Dimensions { get; }
    readonly object _gate = new();
    readonly List<sbyte[]> _codes = [];
    readonly List<float[]> _scales = [];
    readonly Dictionary<string, int> _rows = new(StringComparer.Ordinal);
    string[] _ids = new string[ChunkRows];
    volatile int _count;

    public NeuralIndex(int dimensions) => Dimensions = dimensions;

    /// <summary>Papers with a vector.</summary>
    public int Count => _count;

    /// <summary>The newest <c>embedded_at</c> applied, to follow the table from.</summary>
    public string Watermark { get; set; } = "";

    public void Set(string id, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimensions) return;
        lock (_gate)
        {
            if (!_rows.TryGetValue(id, out var row))
            {
                row = _count;
                if (row / ChunkRows >= _codes.Count)
                {
                    _codes.Add(new sbyte[ChunkRows * Dimensions]);
                    _scales.Add(new float[ChunkRows]);
                }
                if (row >= _ids.Length) Array.Resize(ref _ids, _ids.Length * 2);
                _ids[row] = id;
                _rows[id] = row;
                Write(row, vector);
                _count = row + 1; // published last: a reader never sees a row before its vector
                return;
            }
            Write(row, vector);
        }
    }

    void Write(int row, ReadOnlySpan<float> vector)
    {
        var codes = Codes(row);
        var max = 0f;
        foreach (var x in vector) max = Math.Max(max, Math.Abs(x));
        var scale = max > 0 ? max / 127f : 0f;
        for (var i = 0; i < vector.Length; i++) codes[i] = scale == 0 ? (sbyte)0 : (sbyte)Math.Round(vector[i] / scale);
        _scales[row / ChunkRows][row % ChunkRows] = scale;
    }

    Span<sbyte> Codes(int row) => _codes[row / ChunkRows].AsSpan(row % ChunkRows * Dimensions, Dimensions);

    void Dequantise(int row, Span<float> into)
    {
        var codes = Codes(row);
        var scale = _scales[row / ChunkRows][row % ChunkRows];
        for (var i = 0; i < Dimensions; i++) into[i] = codes[i] * scale;
    }

    /// <summary>The paper's vector as stored (dequantised), or null when it has none yet.</summary>
    public float[]? VectorOf(string id)
    {
        var v = new float[Dimensions];
        return TryCopy(id, v) ? v : null;
    }

    /// <summary>Copies a paper's vector (dequantised) into <paramref name="destination"/>; false (and nothing written) when it has none yet.</summary>
    public bool TryCopy(string id, Span<float> destination)
    {
        lock (_gate)
        {
            if (!_rows.TryGetValue(id, out var row)) return false;
            Dequantise(row, destination);
            return true;
        }
    }

    public bool Contains(string id)
    {
        lock (_gate) return _rows.ContainsKey(id);
    }

    /// <summary>The best papers by cosine (vectors are unit length), over those <paramref name="allow"/> accepts.</summary>
    public List<(string Id, float Score)> Nearest(ReadOnlySpan<float> query, int take, Func<string, bool>? allow)
    {
        if (take <= 0 || query.Length != Dimensions) return [];
        var count = _count;
        string[] ids;
        sbyte[][] codes;
        float[][] scales;
        lock (_gate) { ids = _ids; codes = [.. _codes]; scales = [.. _scales]; }

        // The query keeps 16 bits a value: its error adds nothing to the codes'. Products stay within int32 (384 · 127 · 32767 < 2³¹).
        var q = new short[Dimensions];
        var qmax = 0f;
        foreach (var x in query) qmax = Math.Max(qmax, Math.Abs(x));
        if (qmax == 0 || float.IsNaN(qmax)) return [];
        var qscale = qmax / 32767f;
        for (var i = 0; i < Dimensions; i++) q[i] = (short)Math.Round(query[i] / qscale);
        float Score(int row) => Dot(q, codes[row / ChunkRows].AsSpan(row % ChunkRows * Dimensions, Dimensions)) * qscale * scales[row / ChunkRows][row % ChunkRows];

        var heap = new PriorityQueue<int, float>();
        for (var row = 0; row < count; row++)
        {
            var score = Score(row);
            if (score <= 0 || float.IsNaN(score)) continue;
            if (heap.Count >= take && heap.TryPeek(out _, out var worst) && score <= worst) continue;
            if (allow is not null && !allow(ids[row])) continue;
            if (heap.Count < take) heap.Enqueue(row, score);
            else heap.EnqueueDequeue(row, score);
        }
        var result = new List<(string, float)>(heap.Count);
        while (heap.TryDequeue(out var row, out var score)) result.Add((ids[row], score));
        result.Reverse();
        return result;
    }

    /// <summary>Σ q·c over 16-bit query values and 8-bit codes; AVX2's multiply-add of pairs where the CPU has it.</summary>
    static int Dot(ReadOnlySpan<short> q, ReadOnlySpan<sbyte> c)
    {
        var n = c.Length;
        var i = 0;
        var sum = 0;
        if (Avx2.IsSupported && n >= 32)
        {
            var acc = Vector256<int>.Zero;
            ref var cr = ref MemoryMarshal.GetReference(c);
            ref var qr = ref MemoryMarshal.GetReference(q);
            for (; i + 32 <= n; i += 32)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref cr, (nuint)i));
                acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(lo, Vector256.LoadUnsafe(ref qr, (nuint)i)));
                acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(hi, Vector256.LoadUnsafe(ref qr, (nuint)(i + 16))));
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++) sum += q[i] * c[i];
        return sum;
    }
}
