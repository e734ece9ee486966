using System.Collections.Concurrent;
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
/// From <see cref="DefaultGraphFromRows"/> rows on, an HNSW graph (<see cref="AnnGraph"/>) is built in
/// the background and a query asks it for candidates instead of scoring every row: the codes then
/// re-score only those, plus the rows added since the graph last caught up.
/// </summary>
public sealed class NeuralIndex : IVectorSpace, IDisposable
{
    const int ChunkRows = 4096;

    /// <summary>Below this the scan is cheap (6 ms at 100k rows on one core; docs/SEARCH.md) and no graph is built.</summary>
    public const int DefaultGraphFromRows = 100_000;

    const int MinCandidates = 200;

    /// <summary>Deeper lists than this are scanned: the graph's search grows with the count asked and stops paying.</summary>
    const int MaxGraphTake = 5_000;

    public int Dimensions { get; }
    readonly object _gate = new();
    readonly List<sbyte[]> _codes = [];
    readonly List<float[]> _scales = [];
    readonly Dictionary<string, int> _rows = new(StringComparer.Ordinal);
    string[] _ids = new string[ChunkRows];
    volatile int _count;

    readonly int _graphFromRows;
    readonly ILogger? _logger;
    AnnGraph? _growingGraph;
    volatile AnnGraph? _graph; // published once the first build has caught up with every row
    volatile int _graphRows; // rows [0, _graphRows) are in the graph
    int _growing;
    volatile bool _graphUnavailable; // no library here, a failure, or disposed: the scan serves every query
    readonly ConcurrentQueue<int> _moved = new(); // rows whose vector was replaced after entering the graph

    public NeuralIndex(int dimensions, int graphFromRows = DefaultGraphFromRows, ILogger? logger = null)
    {
        Dimensions = dimensions;
        _graphFromRows = graphFromRows;
        _logger = logger;
    }

    /// <summary>Papers with a vector.</summary>
    public int Count => _count;

    /// <summary>Rows a query finds through the graph (0 until the graph has been built once).</summary>
    public int GraphRows => _graph is null ? 0 : _graphRows;

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
            }
            else
            {
                Write(row, vector);
                if (row < _graphRows) _moved.Enqueue(row);
            }
        }
        if (_count >= _graphFromRows) GrowGraphInBackground();
    }

    /// <summary>Starts the one graph builder unless it runs; it adds every row not yet in the graph, then stops.</summary>
    void GrowGraphInBackground()
    {
        if (_graphUnavailable || (_graphRows >= _count && _moved.IsEmpty)) return;
        if (Interlocked.CompareExchange(ref _growing, 1, 0) == 0) _ = Task.Run(GrowGraph);
    }

    void GrowGraph()
    {
        do
        {
            try
            {
                if (_graphUnavailable) return;
                string? failure = null;
                var graph = _growingGraph ??= AnnGraph.TryCreate(Dimensions, out failure);
                if (graph is null)
                {
                    _graphUnavailable = true;
                    _logger?.LogWarning("Semantic search scans every paper's vector: the HNSW library could not be loaded ({Failure})", failure);
                    return;
                }
                var v = new float[Dimensions];
                while (_moved.TryDequeue(out var moved))
                {
                    lock (_gate) Dequantise(moved, v); // the chunk lists may grow meanwhile
                    graph.Set(moved, v);
                }
                for (var row = _graphRows; row < _count && !_graphUnavailable; row++)
                {
                    lock (_gate) Dequantise(row, v);
                    graph.Set(row, v);
                    _graphRows = row + 1;
                }
                if (_graph is null)
                {
                    _graph = graph;
                    _logger?.LogInformation("Semantic search now asks an HNSW graph of {Rows} papers for candidates", _graphRows);
                }
            }
            catch (Exception ex)
            {
                _graphUnavailable = true; // the scan stays, and it is always right
                _logger?.LogError(ex, "The HNSW graph failed; semantic search scans every paper's vector");
                return;
            }
            finally
            {
                Volatile.Write(ref _growing, 0);
            }
        }
        // A row set while the builder was finishing would otherwise wait for the next Set.
        while (!_graphUnavailable && (_graphRows < _count || !_moved.IsEmpty) && Interlocked.CompareExchange(ref _growing, 1, 0) == 0);
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
        void Offer(int row)
        {
            var score = Score(row);
            if (score <= 0 || float.IsNaN(score)) return;
            if (heap.Count >= take && heap.TryPeek(out _, out var worst) && score <= worst) return;
            if (allow is not null && !allow(ids[row])) return;
            if (heap.Count < take) heap.Enqueue(row, score);
            else heap.EnqueueDequeue(row, score);
        }

        var graph = _graph;
        var covered = Math.Min(_graphRows, count);
        var scanned = false;
        if (graph is not null && take <= MaxGraphTake)
        {
            // Twice the list asked for, so a filter or the codes' re-scoring can drop some and still fill it,
            // and never fewer than a search page's 100 asks: below that the graph's recall falls faster than its cost.
            var ask = Math.Min(covered, Math.Max(2 * take, MinCandidates));
            var candidates = graph.Nearest(query.ToArray(), ask);
            foreach (var key in candidates)
                if ((int)key < covered) Offer((int)key);
            for (var row = covered; row < count; row++) Offer(row); // added since the graph caught up
            // A filter that passes few papers can empty the candidates: then only the scan finds the rest.
            scanned = heap.Count >= take || candidates.Length < ask;
            if (!scanned) heap.Clear();
        }
        if (!scanned)
            for (var row = 0; row < count; row++) Offer(row);
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

    public void Dispose()
    {
        _graphUnavailable = true; // no builder starts after this, and one running stops at its next row
        _graph = null;
        _growingGraph?.Dispose();
    }
}
