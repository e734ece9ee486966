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
    readonly string? _graphPath;
    readonly IReadOnlyList<string> _otherGraphPaths;
    string? _loadedFrom; // another name's graph this one started from, deleted once this one is saved
    readonly ILogger? _logger;
    readonly Dictionary<ulong, int> _keyRows = []; // the graph's key of each paper (a hash of its id) to its row
    readonly List<ulong[]> _inGraph = []; // per row: a hash of the codes the graph holds for it, 0 when it holds none
    AnnGraph? _growingGraph;
    volatile AnnGraph? _graph; // published once the first build has caught up with every row
    volatile int _graphRows; // rows [0, _graphRows) are in the graph
    int _growing;
    volatile bool _graphUnavailable; // no library here, a failure, or disposed: the scan serves every query
    readonly ConcurrentQueue<int> _moved = new(); // rows whose vector was replaced after entering the graph
    Dictionary<ulong, ulong>? _saved; // a loaded graph's papers (key → codes hash) not yet looked up
    int _addedSinceSave;

    /// <param name="graphPath">Where the graph is saved and loaded from (null: never saved): a restart then re-adds only the papers whose vectors changed.</param>
    /// <param name="otherGraphPaths">
    /// Graphs saved for the same model under its other names (another precision or truncation). When there is none at
    /// <paramref name="graphPath"/>, the newest of them is loaded instead: after such an upgrade the vectors read first are
    /// that name's (<see cref="SearchIndex"/>), the same points, so the graph is reused rather than built again (minutes at
    /// a million papers), and papers move in it as their new vectors arrive. It is deleted once this graph is saved.
    /// </param>
    public NeuralIndex(int dimensions, int graphFromRows = DefaultGraphFromRows, ILogger? logger = null, string? graphPath = null,
        IReadOnlyList<string>? otherGraphPaths = null)
    {
        Dimensions = dimensions;
        _graphFromRows = graphFromRows;
        _logger = logger;
        _graphPath = graphPath;
        _otherGraphPaths = otherGraphPaths ?? [];
    }

    /// <summary>Papers with a vector.</summary>
    public int Count => _count;

    /// <summary>Rows a query finds through the graph (0 until the graph has been built once).</summary>
    public int GraphRows => _graph is null ? 0 : _graphRows;

    /// <summary>Papers the first build found already in the saved graph with the same vector, so did not add again.</summary>
    public int GraphRowsReused { get; private set; }

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
                    _inGraph.Add(new ulong[ChunkRows]);
                }
                if (row >= _ids.Length) Array.Resize(ref _ids, _ids.Length * 2);
                _ids[row] = id;
                _rows[id] = row;
                // Two ids with one 64-bit hash (about one pair in 10⁷ catalogs of a million): the second is found by the scan only.
                _keyRows.TryAdd(KeyOf(id), row);
                Write(row, vector);
                _count = row + 1; // published last: a reader never sees a row before its vector
            }
            // The follower reads the newest batch again on each poll (stamps can tie): the same vector is not a move.
            else if (Write(row, vector) && row < _graphRows) _moved.Enqueue(row);
        }
        if (_count >= _graphFromRows) GrowGraphInBackground();
    }

    /// <summary>The graph's key of a paper: FNV-1a over the id, stable across processes (unlike string.GetHashCode).</summary>
    static ulong KeyOf(string id)
    {
        var h = 14695981039346656037UL;
        foreach (var c in id) h = (h ^ c) * 1099511628211UL;
        return h == ulong.MaxValue ? h - 1 : h; // USearch reserves the largest key
    }

    /// <summary>A hash of a row's codes and scale: whether the graph (or a saved one) holds the vector the row has now. Never 0.</summary>
    ulong CodesHash(int row)
    {
        var h = (ulong)BitConverter.SingleToUInt32Bits(_scales[row / ChunkRows][row % ChunkRows]) * 0x9E3779B97F4A7C15UL;
        foreach (var word in MemoryMarshal.Cast<sbyte, ulong>(Codes(row)))
        {
            h = (h ^ word) * 0x9E3779B97F4A7C15UL;
            h ^= h >> 29;
        }
        return h == 0 ? 1 : h;
    }

    ref ulong InGraph(int row) => ref _inGraph[row / ChunkRows][row % ChunkRows];

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
                var graph = _growingGraph ??= OpenGraph();
                if (graph is null) return;
                AddToGraph(graph);
                if (_graphUnavailable) return; // disposed midway: neither published nor saved
                var first = _graph is null;
                if (first)
                {
                    _graph = graph;
                    _logger?.LogInformation("Semantic search now asks an HNSW graph of {Rows} papers for candidates ({Reused} of them from the saved graph)", _graphRows, GraphRowsReused);
                }
                if (_graphPath is not null && (_addedSinceSave > 0 || _loadedFrom is not null) && (first || _addedSinceSave >= Math.Max(10_000, _graphRows / 20))) Save(graph);
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

    /// <summary>
    /// Adds the rows the graph lacks, in batches: large ones before the graph answers queries (nobody waits on its
    /// lock), small ones after. A row a loaded graph already holds with the same codes is not added again.
    /// </summary>
    void AddToGraph(AnnGraph graph)
    {
        var size = _graph is null ? 1024 : 16;
        var batch = new List<(ulong Key, float[] Vector)>(size);
        var hashes = new List<(int Row, ulong Hash)>(size);
        void Flush()
        {
            graph.Set(batch);
            lock (_gate)
                foreach (var (row, hash) in hashes) InGraph(row) = hash;
            _addedSinceSave += batch.Count;
            batch.Clear();
            hashes.Clear();
        }
        void Stage(int row)
        {
            lock (_gate) // the chunk lists and the id table may grow meanwhile
            {
                var key = KeyOf(_ids[row]);
                if (_keyRows[key] != row) return;
                var hash = CodesHash(row);
                if (InGraph(row) == hash) return;
                // Each saved paper is looked up once (the vectors go on arriving after the graph answers queries), then forgotten.
                if (_saved is not null && _saved.Remove(key, out var saved))
                {
                    if (_saved.Count == 0) _saved = null;
                    if (saved == hash)
                    {
                        InGraph(row) = hash;
                        GraphRowsReused++;
                        return;
                    }
                }
                var v = new float[Dimensions];
                Dequantise(row, v);
                batch.Add((key, v));
                hashes.Add((row, hash));
            }
        }
        while (_moved.TryDequeue(out var moved))
        {
            Stage(moved);
            if (batch.Count >= size) Flush();
        }
        Flush();
        // Up to the rows there are as it goes: at a start the vectors are still loading when the builder begins.
        for (var row = _graphRows; row < _count && !_graphUnavailable; row++)
        {
            Stage(row);
            if (batch.Count < size && row + 1 < _count) continue;
            Flush();
            _graphRows = row + 1;
        }
    }

    /// <summary>The saved graph when there is a usable one, else a new one; null (and the scan for good) when USearch cannot load here.</summary>
    AnnGraph? OpenGraph()
    {
        var source = _graphPath is not null && File.Exists(_graphPath) ? _graphPath
            : _graphPath is null ? null : _otherGraphPaths.Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
        if (source is not null)
        {
            var loaded = AnnGraph.TryLoad(source, Dimensions, out var why);
            var keys = loaded is null ? null : ReadKeys(source + ".keys", out why);
            if (loaded is not null && keys is not null)
            {
                _saved = keys;
                if (source != _graphPath) _loadedFrom = source;
                _logger?.LogInformation("Loaded the saved HNSW graph of {Papers} papers from {Path}", keys.Count, source);
                return loaded;
            }
            loaded?.Dispose();
            _logger?.LogWarning("The saved HNSW graph at {Path} is not usable ({Reason}); building it again", source, why);
        }
        var graph = AnnGraph.TryCreate(Dimensions, out var failure);
        if (graph is null)
        {
            _graphUnavailable = true;
            _logger?.LogWarning("Semantic search scans every paper's vector: the HNSW library could not be loaded ({Failure})", failure);
        }
        return graph;
    }

    const string KeysMagic = "PBGRAPHKEYS";
    const int KeysVersion = 1;

    /// <summary>Saves the graph and, beside it, each paper's key and codes hash; a failure is logged and the graph kept in memory.</summary>
    void Save(AnnGraph graph)
    {
        try
        {
            var rows = _graphRows;
            var keysPath = _graphPath + ".keys";
            var temporary = $"{keysPath}.{Environment.ProcessId}.tmp"; // a command beside the server may save too
            Directory.CreateDirectory(Path.GetDirectoryName(keysPath)!);
            using (var w = new BinaryWriter(new BufferedStream(File.Create(temporary), 1 << 20)))
            {
                var entries = new List<(ulong, ulong)>(rows);
                lock (_gate)
                    for (var row = 0; row < rows; row++)
                        if (InGraph(row) is var hash and not 0) entries.Add((KeyOf(_ids[row]), hash));
                w.Write(KeysMagic);
                w.Write(KeysVersion);
                w.Write(Dimensions);
                w.Write(entries.Count);
                foreach (var (key, hash) in entries) { w.Write(key); w.Write(hash); }
            }
            // The keys go last: a graph without its matching keys file is rebuilt rather than trusted.
            File.Delete(keysPath);
            if (!graph.Save(_graphPath!))
            {
                File.Delete(temporary); // disposed meanwhile: keys without their graph would be trusted at the next start
                return;
            }
            File.Move(temporary, keysPath);
            _addedSinceSave = 0;
            _logger?.LogInformation("Saved the HNSW graph of {Rows} papers to {Path}", rows, _graphPath);
            if (_loadedFrom is { } old)
            {
                // The keys first, as above: a graph without its keys is never trusted.
                File.Delete(old + ".keys");
                File.Delete(old);
                _loadedFrom = null;
                _logger?.LogInformation("Deleted the HNSW graph this one started from, {Path}", old);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Cloud.Unum.USearch.USearchException)
        {
            _logger?.LogWarning("Could not save the HNSW graph to {Path} ({Error}); a restart builds it again", _graphPath, ex.Message);
        }
    }

    Dictionary<ulong, ulong>? ReadKeys(string path, out string? why)
    {
        try
        {
            using var r = new BinaryReader(new BufferedStream(File.OpenRead(path), 1 << 20));
            if (r.ReadString() != KeysMagic || r.ReadInt32() != KeysVersion || r.ReadInt32() != Dimensions) { why = "its keys file is of another version"; return null; }
            var n = r.ReadInt32();
            if (n < 0) { why = "its keys file is corrupt"; return null; }
            var keys = new Dictionary<ulong, ulong>(n);
            for (var i = 0; i < n; i++) keys[r.ReadUInt64()] = r.ReadUInt64();
            why = null;
            return keys;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            why = ex is FileNotFoundException ? "its keys file is missing" : ex.Message;
            return null;
        }
    }

    /// <summary>Quantises <paramref name="vector"/> into the row; false when the row already held exactly these codes.</summary>
    bool Write(int row, ReadOnlySpan<float> vector)
    {
        var max = 0f;
        foreach (var x in vector) max = Math.Max(max, Math.Abs(x));
        var scale = max > 0 ? max / 127f : 0f;
        Span<sbyte> fresh = stackalloc sbyte[vector.Length];
        for (var i = 0; i < vector.Length; i++) fresh[i] = scale == 0 ? (sbyte)0 : (sbyte)Math.Round(vector[i] / scale);
        ref var stored = ref _scales[row / ChunkRows][row % ChunkRows];
        var codes = Codes(row);
        if (stored == scale && fresh.SequenceEqual(codes)) return false;
        fresh.CopyTo(codes);
        stored = scale;
        return true;
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
            ulong[]? candidates;
            try { candidates = graph.Nearest(query.ToArray(), ask); }
            catch (Cloud.Unum.USearch.USearchException ex)
            {
                // The scan below answers this query; the graph is not trusted again.
                _logger?.LogError(ex, "The HNSW graph failed a search; semantic search scans every paper's vector");
                _graphUnavailable = true;
                _graph = null;
                candidates = null;
            }
            candidates ??= [];
            var rows = new List<int>(candidates.Length);
            lock (_gate)
                foreach (var key in candidates)
                    if (_keyRows.TryGetValue(key, out var row) && row < covered) rows.Add(row);
            foreach (var row in rows) Offer(row);
            for (var row = covered; row < count; row++) Offer(row); // added since the graph caught up
            // A filter that passes few papers can empty the candidates: then only the scan finds the rest.
            scanned = !_graphUnavailable && (heap.Count >= take || candidates.Length < ask);
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
