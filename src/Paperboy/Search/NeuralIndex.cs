using System.Numerics.Tensors;

namespace Paperboy.Search;

/// <summary>
/// The built-in model's vectors in memory, one row per paper, in chunks so the table grows without
/// copying: at a million papers × 384 floats (1.5 GB) a copy per update would cost more than the
/// search. A vector is written in place when the embedder replaces it; a query that reads it at
/// that instant scores one paper with a mix of its old and new vector, which is harmless.
/// Rows are never removed: a hidden paper's row stays, and the search maps rows to the
/// snapshot's papers, which no longer include it. Search is exact (every row is scored).
/// </summary>
public sealed class NeuralIndex : IVectorSpace
{
    const int ChunkRows = 4096;
    public int Dimensions { get; }
    readonly object _gate = new();
    readonly List<float[]> _chunks = [];
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
                if (row / ChunkRows >= _chunks.Count) _chunks.Add(new float[ChunkRows * Dimensions]);
                if (row >= _ids.Length) Array.Resize(ref _ids, _ids.Length * 2);
                _ids[row] = id;
                _rows[id] = row;
                vector.CopyTo(Span(row));
                _count = row + 1; // published last: a reader never sees a row before its vector
                return;
            }
            vector.CopyTo(Span(row));
        }
    }

    public float[]? VectorOf(string id)
    {
        lock (_gate) return _rows.TryGetValue(id, out var row) ? Span(row).ToArray() : null;
    }

    public bool Contains(string id)
    {
        lock (_gate) return _rows.ContainsKey(id);
    }

    Span<float> Span(int row) => _chunks[row / ChunkRows].AsSpan(row % ChunkRows * Dimensions, Dimensions);

    /// <summary>The best papers by cosine (vectors are unit length), over those <paramref name="allow"/> accepts.</summary>
    public List<(string Id, float Score)> Nearest(ReadOnlySpan<float> query, int take, Func<string, bool>? allow)
    {
        if (take <= 0 || query.Length != Dimensions) return [];
        var count = _count;
        string[] ids;
        float[][] chunks;
        lock (_gate) { ids = _ids; chunks = [.. _chunks]; }
        var heap = new PriorityQueue<int, float>();
        var scores = new float[ChunkRows];
        for (var c = 0; c * ChunkRows < count; c++)
        {
            var rows = Math.Min(ChunkRows, count - c * ChunkRows);
            var chunk = chunks[c];
            for (var r = 0; r < rows; r++) scores[r] = TensorPrimitives.Dot(query, chunk.AsSpan(r * Dimensions, Dimensions));
            for (var r = 0; r < rows; r++)
            {
                var s = scores[r];
                if (s <= 0 || float.IsNaN(s)) continue;
                if (heap.Count >= take && heap.TryPeek(out _, out var worst) && s <= worst) continue;
                var row = c * ChunkRows + r;
                if (allow is not null && !allow(ids[row])) continue;
                if (heap.Count < take) heap.Enqueue(row, s);
                else heap.EnqueueDequeue(row, s);
            }
        }
        var result = new List<(string, float)>(heap.Count);
        while (heap.TryDequeue(out var row, out var score)) result.Add((ids[row], score));
        result.Reverse();
        return result;
    }
}
