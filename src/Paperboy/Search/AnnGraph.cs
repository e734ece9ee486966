using System.Reflection;
using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace Paperboy.Search;

/// <summary>
/// An HNSW graph (USearch) over <see cref="NeuralIndex"/>'s papers, keyed by a stable hash of the paper id
/// (so a saved graph means the same papers after a restart, whatever order the vectors load in): the
/// sub-linear first stage of a large catalog's semantic search. Cosine over half-precision vectors, 16
/// links a node; measured against the exact scan in docs/SEARCH.md (`bench ann`). USearch allows many
/// searches at once, but growing its capacity reallocates under them, so adds take the lock alone;
/// after <see cref="Dispose"/> adds are dropped and searches find nothing, so a builder still running is harmless.
/// </summary>
sealed class AnnGraph : IDisposable
{
    /// <summary>Candidates explored per add and (at least) per search: recall@10 0.99+ on the real vectors at 100k rows.</summary>
    const ulong Expansion = 64;

    readonly USearchIndex _index;
    readonly ReaderWriterLockSlim _lock = new();
    // USearch gives each search one of its thread contexts (as many as the machine has cores) and fails a search
    // that finds none free ("Reserve capacity ahead of searches!"): 16 requests at once on 2 cores did.
    readonly SemaphoreSlim _searches = new(Environment.ProcessorCount);
    bool _disposed;

    AnnGraph(USearchIndex index) => _index = index;

    /// <summary>
    /// A new graph, or null with the reason when USearch's native library cannot be loaded here
    /// (it needs libgomp1); the caller then keeps scanning every row, which is always correct.
    /// </summary>
    public static AnnGraph? TryCreate(int dimensions, out string? failure) => Try(() =>
        new USearchIndex(MetricKind.Cos, ScalarKind.Float16, (ulong)dimensions, connectivity: 16, expansionAdd: Expansion, expansionSearch: Expansion), out failure);

    /// <summary>A graph saved by <see cref="Save"/>, or null with the reason (missing, unreadable, another shape, no library).</summary>
    public static AnnGraph? TryLoad(string path, int dimensions, out string? failure)
    {
        if (!File.Exists(path)) { failure = "no saved graph"; return null; }
        var graph = Try(() => new USearchIndex(path), out failure);
        if (graph is not null && graph._index.Dimensions() != (ulong)dimensions)
        {
            failure = $"the saved graph has {graph._index.Dimensions()} dimensions, not {dimensions}";
            graph.Dispose();
            return null;
        }
        // A loaded graph has no thread contexts until a reserve makes them: searches would all fail.
        graph?.Reserve(graph._index.Capacity());
        return graph;
    }

    static AnnGraph? Try(Func<USearchIndex> open, out string? failure)
    {
        try
        {
            failure = null;
            return new AnnGraph(open());
        }
        catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or TypeInitializationException or USearchException)
        {
            failure = ex.Message;
            return null;
        }
    }

    /// <summary>
    /// Adds papers, moving the ones already in the graph. One call reserves room once: the package's
    /// one-vector add grows the capacity by exactly one each time, which makes a graph's build quadratic.
    /// </summary>
    public void Set(IReadOnlyList<(ulong Key, float[] Vector)> batch)
    {
        if (batch.Count == 0) return;
        _lock.EnterWriteLock();
        try
        {
            if (_disposed) return;
            foreach (var (key, _) in batch)
                if (_index.Contains(key)) _index.Remove(key);
            ReserveAhead(batch.Count);
            _index.Add(batch.Select(b => b.Key).ToArray(), batch.Select(b => b.Vector).ToArray());
        }
        finally { _lock.ExitWriteLock(); }
    }

    [DllImport("libusearch_c", CallingConvention = CallingConvention.Cdecl)]
    static extern void usearch_reserve(IntPtr index, UIntPtr capacity, out IntPtr error);

    /// <summary>The package's native handle; it offers no reserve of its own (its add reserves exactly what it adds).</summary>
    static readonly FieldInfo? Handle = typeof(USearchIndex).GetField("_index", BindingFlags.NonPublic | BindingFlags.Instance);

    /// <summary>
    /// Grows the capacity by a quarter at a time, as a list does. A reserve reallocates the graph's tables, so
    /// growing by each batch (what the package does) costs a copy of every node per batch: measured at
    /// 100k–200k rows, a build one row at a time took twice as long as in batches of 1,024 (docs/SEARCH.md).
    /// Should a later package rename its handle, adds still work, only slower.
    /// </summary>
    void ReserveAhead(int adding)
    {
        var size = _index.Size();
        if (_index.Capacity() < size + (ulong)adding) Reserve(Math.Max(size + (ulong)adding, size + size / 4 + 1024));
    }

    /// <summary>Room for <paramref name="rows"/>, and a thread context per core for searches.</summary>
    void Reserve(ulong rows)
    {
        if (Handle?.GetValue(_index) is IntPtr handle && handle != IntPtr.Zero)
            usearch_reserve(handle, checked((UIntPtr)Math.Max(rows, 1)), out _);
    }

    /// <summary>Rows the graph has room for before its next reserve.</summary>
    internal ulong Capacity => _index.Capacity();

    /// <summary>The keys nearest <paramref name="query"/>, best first (USearch explores max(64, count) candidates).</summary>
    public ulong[] Nearest(float[] query, int count)
    {
        _searches.Wait();
        _lock.EnterReadLock();
        try
        {
            if (_disposed) return [];
            var found = _index.Search(query, count, out var keys, out _);
            return found < keys.Length ? keys[..found] : keys;
        }
        finally
        {
            _lock.ExitReadLock();
            _searches.Release();
        }
    }

    /// <summary>
    /// Writes the graph to <paramref name="path"/> through a temporary file, so a crash midway leaves the last good one;
    /// false (and nothing written) once disposed.
    /// </summary>
    public bool Save(string path)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        _lock.EnterReadLock();
        try
        {
            if (_disposed) return false;
            _index.Save(temporary);
        }
        finally { _lock.ExitReadLock(); }
        File.Move(temporary, path, overwrite: true);
        return true;
    }

    public void Dispose()
    {
        _lock.EnterWriteLock();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _index.Dispose();
        }
        finally { _lock.ExitWriteLock(); }
    }
}
