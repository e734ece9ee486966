using System.Numerics.Tensors;
namespace Paperboy.Search;

/// <summary>What search needs to know of a paper besides its text: for filters and sorting.</summary>
public readonly record struct PaperFacts(int Day, long Upvotes)
{
    /// <summary>yyyymmdd as a number (0 when unknown), so dates compare and sort as integers.</summary>
    public static int DayNumber(string? published) =>
        Storage.StoredTime.ParseDay(published) is { } d ? d.Year * 10000 + d.Month * 100 + d.Day : 0;
}

/// <summary>
/// Every indexed paper as a row: its id, facts and unit-length embedding. Immutable: an update
/// makes a new instance (a copy of 48k×192 floats is ~37 MB and ~10 ms, and happens at most once per
/// poll), so queries read a consistent snapshot without locks.
/// </summary>
public sealed class DenseIndex
{
    public int Dimensions { get; }
    public string[] Ids { get; }
    public PaperFacts[] Facts { get; }
    public float[] Vectors { get; }
    public Dictionary<string, int> Rows { get; }
    public int Count => Ids.Length;

    public DenseIndex(int dimensions, string[] ids, PaperFacts[] facts, float[] vectors)
    {
        Dimensions = dimensions;
        Ids = ids;
        Facts = facts;
        Vectors = vectors;
        Rows = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++) Rows[ids[i]] = i;
    }

    public ReadOnlySpan<float> Vector(int row) => Vectors.AsSpan(row * Dimensions, Dimensions);

    /// <summary>A new index with these rows added or replaced and these ids removed.</summary>
    public DenseIndex With(IReadOnlyList<(string Id, PaperFacts Facts, float[] Vector)> upserts, IReadOnlyCollection<string> deletes)
    {
        var ids = new List<string>(Count + upserts.Count);
        var facts = new List<PaperFacts>(Count + upserts.Count);
        var replaced = upserts.GroupBy(u => u.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var gone = deletes.ToHashSet(StringComparer.Ordinal);
        var vectors = new List<float[]?>(Count + upserts.Count);
        for (var i = 0; i < Count; i++)
        {
            if (gone.Contains(Ids[i]) || replaced.ContainsKey(Ids[i])) continue;
            ids.Add(Ids[i]);
            facts.Add(Facts[i]);
            vectors.Add(null);
        }
        var keptRows = ids.Count;
        foreach (var u in replaced.Values)
        {
            if (gone.Contains(u.Id)) continue;
            ids.Add(u.Id);
            facts.Add(u.Facts);
            vectors.Add(u.Vector);
        }
        var flat = new float[ids.Count * Dimensions];
        var target = 0;
        for (var i = 0; i < Count; i++)
        {
            if (gone.Contains(Ids[i]) || replaced.ContainsKey(Ids[i])) continue;
            Vector(i).CopyTo(flat.AsSpan(target++ * Dimensions, Dimensions));
        }
        for (var r = keptRows; r < ids.Count; r++) vectors[r]!.AsSpan(0, Dimensions).CopyTo(flat.AsSpan(r * Dimensions, Dimensions));
        return new DenseIndex(Dimensions, ids.ToArray(), facts.ToArray(), flat);
    }

    /// <summary>
    /// The best rows by dot product (cosine: vectors are unit length). Brute force: 48k×192
    /// multiply-adds are ~2 ms with SIMD, simpler and exact compared with an approximate index.
    /// </summary>
    public List<(int Row, float Score)> Nearest(ReadOnlySpan<float> query, int take, Func<int, bool>? allow = null)
    {
        var heap = new PriorityQueue<int, float>();
        if (take <= 0 || Dimensions == 0 || query.Length != Dimensions) return [];
        for (var r = 0; r < Count; r++)
        {
            if (allow is not null && !allow(r)) continue;
            var s = TensorPrimitives.Dot(query, Vector(r));
            if (s <= 0 || float.IsNaN(s)) continue;
            if (heap.Count < take) heap.Enqueue(r, s);
            else if (heap.TryPeek(out _, out var worst) && s > worst) heap.EnqueueDequeue(r, s);
        }
        var result = new List<(int, float)>(heap.Count);
        while (heap.TryDequeue(out var row, out var score)) result.Add((row, score));
        result.Reverse();
        return result;
    }

    const int FileVersion = 1;

    public void Write(BinaryWriter w)
    {
        w.Write("PBDENSE");
        w.Write(FileVersion);
        w.Write(Dimensions);
        w.Write(Count);
        for (var i = 0; i < Count; i++)
        {
            w.Write(Ids[i]);
            w.Write(Facts[i].Day);
            w.Write(Facts[i].Upvotes);
        }
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Vectors.AsSpan()));
    }

    public static DenseIndex Read(BinaryReader r)
    {
        if (r.ReadString() != "PBDENSE" || r.ReadInt32() != FileVersion) throw new InvalidDataException("not a Paperboy vector file of this version");
        var k = r.ReadInt32();
        var n = r.ReadInt32();
        if (k < 0 || n < 0) throw new InvalidDataException("corrupt vector header");
        var ids = new string[n];
        var facts = new PaperFacts[n];
        for (var i = 0; i < n; i++) { ids[i] = r.ReadString(); facts[i] = new PaperFacts(r.ReadInt32(), r.ReadInt64()); }
        var vectors = new float[(long)n * k];
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(vectors.AsSpan());
        if (r.BaseStream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) != bytes.Length) throw new InvalidDataException("truncated vector file");
        return new DenseIndex(k, ids, facts, vectors);
    }
}
