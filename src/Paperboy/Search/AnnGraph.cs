using Cloud.Unum.USearch;

namespace Paperboy.Search;

/// <summary>
/// An HNSW graph (USearch) over <see cref="NeuralIndex"/>'s rows, keyed by row number: the sub-linear
/// first stage of a large catalog's semantic search. Cosine over half-precision vectors, 16 links a
/// node; measured against the exact scan in docs/SEARCH.md (`bench ann`). USearch allows many
/// searches at once but not a search while the graph grows, so adds take the lock alone; after
/// <see cref="Dispose"/> adds are dropped and searches find nothing, so a builder still running is harmless.
/// </summary>
sealed class AnnGraph : IDisposable
{
    /// <summary>Candidates explored per add and (at least) per search: recall@10 0.99+ on the real vectors at 100k rows.</summary>
    const ulong Expansion = 64;

    readonly USearchIndex _index;
    readonly ReaderWriterLockSlim _lock = new();
    readonly float[] _row;
    bool _disposed;

    AnnGraph(int dimensions)
    {
        _index = new USearchIndex(MetricKind.Cos, ScalarKind.Float16, (ulong)dimensions, connectivity: 16, expansionAdd: Expansion, expansionSearch: Expansion);
        _row = new float[dimensions];
    }

    /// <summary>
    /// A new graph, or null with the reason when USearch's native library cannot be loaded here
    /// (it needs libgomp1); the caller then keeps scanning every row, which is always correct.
    /// </summary>
    public static AnnGraph? TryCreate(int dimensions, out string? failure)
    {
        try
        {
            failure = null;
            return new AnnGraph(dimensions);
        }
        catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or TypeInitializationException or USearchException)
        {
            failure = ex.Message;
            return null;
        }
    }

    /// <summary>Adds a row, or moves it when its vector was replaced.</summary>
    public void Set(int row, ReadOnlySpan<float> vector)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_disposed) return;
            vector.CopyTo(_row);
            if (_index.Contains((ulong)row)) _index.Remove((ulong)row);
            _index.Add((ulong)row, _row);
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>The rows nearest <paramref name="query"/>, best first (USearch explores max(64, count) candidates).</summary>
    public ulong[] Nearest(float[] query, int count)
    {
        _lock.EnterReadLock();
        try
        {
            if (_disposed) return [];
            var found = _index.Search(query, count, out var keys, out _);
            return found < keys.Length ? keys[..found] : keys;
        }
        finally { _lock.ExitReadLock(); }
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
