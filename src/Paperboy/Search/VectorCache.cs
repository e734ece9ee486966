namespace Paperboy.Search;

/// <summary>
/// Vectors by text hash in one append-only file, for work that starts from an empty database each
/// time (<c>paperboy eval</c>, the benchmarks): a test collection is embedded once per machine, not
/// once per run. A site keeps its vectors in the database instead (<see cref="PaperVectors"/>).
/// Record: 16 bytes of the text hash, then the vector as float32s. A torn last record (a killed
/// run) is ignored.
/// </summary>
public sealed class VectorCache
{
    readonly string _path;
    readonly int _dimensions;
    readonly Dictionary<string, float[]> _vectors = new(StringComparer.Ordinal);
    readonly object _gate = new();

    public VectorCache(string path, int dimensions)
    {
        _path = path;
        _dimensions = dimensions;
        if (!File.Exists(path)) return;
        var record = 16 + dimensions * 4;
        var bytes = File.ReadAllBytes(path);
        for (var at = 0; at + record <= bytes.Length; at += record)
            _vectors[Convert.ToHexStringLower(bytes.AsSpan(at, 16))] = NeuralEmbedder.FromBytes(bytes.AsSpan(at + 16, dimensions * 4));
    }

    /// <summary><c>$PAPERBOY_VECTOR_CACHE</c>, else the user's cache directory (<c>~/.cache/paperboy</c>).</summary>
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, VectorCache> Open = new(StringComparer.Ordinal);

    /// <summary>Held while a caller embeds what the cache lacks, so a second caller waits and then finds it cached.</summary>
    public SemaphoreSlim Filling { get; } = new(1, 1);

    public static VectorCache ForModel(string model, int dimensions)
    {
        var dir = Environment.GetEnvironmentVariable("PAPERBOY_VECTOR_CACHE") is { Length: > 0 } set ? set
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "paperboy");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, model.Replace('@', '-') + ".vectors");
        return Open.GetOrAdd(path, p => new VectorCache(p, dimensions));
    }

    public int Count { get { lock (_gate) return _vectors.Count; } }

    public float[]? Get(string hash) { lock (_gate) return _vectors.GetValueOrDefault(hash); }

    /// <summary>Every cached vector, in no particular order (the ANN benchmark's real vectors).</summary>
    public List<float[]> All() { lock (_gate) return [.. _vectors.Values]; }

    public void Add(IReadOnlyList<(string Hash, float[] Vector)> items)
    {
        lock (_gate)
        {
            FileStream? file = null;
            // One writer at a time across processes (records must not interleave); another process
            // writing means these vectors are only kept in memory this time.
            try { file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read); }
            catch (IOException) { }
            using (file)
            {
                foreach (var (hash, vector) in items)
                {
                    if (vector.Length != _dimensions || !_vectors.TryAdd(hash, vector)) continue;
                    file?.Write(Convert.FromHexString(hash));
                    file?.Write(NeuralEmbedder.ToBytes(vector));
                }
            }
        }
    }
}
