using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI;
using OpenAI.Embeddings;
using Paperboy.Config;
using Paperboy.Papers;

namespace Paperboy.Search;

/// <summary>PAPERBOY_EMBEDDINGS_URL / _MODEL / _API_KEY: an OpenAI-compatible /v1/embeddings endpoint, or none.</summary>
public sealed record EmbeddingEndpoint(string? Url, string Model, string? ApiKey)
{
    public bool Configured => !string.IsNullOrWhiteSpace(Url);

    public static EmbeddingEndpoint FromEnvironment() => SettingsSetup.FromEnvironment(Read);

    /// <summary>The URL must be http(s): anything else would fail only at the first paper embedded.</summary>
    public static EmbeddingEndpoint Read(SettingsReader config) => new(
        config.HttpUrl("PAPERBOY_EMBEDDINGS_URL") is null ? null : config.Text("PAPERBOY_EMBEDDINGS_URL"),
        config.Text("PAPERBOY_EMBEDDINGS_MODEL") ?? "nomic-embed-text",
        config.Raw("PAPERBOY_EMBEDDINGS_API_KEY"));

    /// <summary>Clients want the API base (…/v1); people paste the full …/v1/embeddings too.</summary>
    public Uri BaseUri
    {
        get
        {
            var url = Url!.Trim().TrimEnd('/');
            if (url.EndsWith("/embeddings", StringComparison.OrdinalIgnoreCase)) url = url[..^"/embeddings".Length];
            return new Uri(url);
        }
    }
}

/// <summary>
/// Better embeddings from an external model (Ollama, Text Embeddings Inference, vLLM, OpenAI) through
/// Microsoft.Extensions.AI. Paper vectors are computed in the background and kept in
/// <c>{data}/search/external.bin</c>, keyed by the endpoint and model; until every paper has one,
/// and whenever the endpoint is down, search uses the built-in embedder. A failure is logged once,
/// then the endpoint is left alone for a minute before it is tried again.
/// </summary>
public sealed class ExternalEmbeddings : IDisposable
{
    const int BatchSize = 64;
    static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(1);
    static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(3);

    readonly IEmbeddingGenerator<string, Embedding<float>>? _generator;
    readonly EmbeddingEndpoint _endpoint;
    readonly ILogger _logger;
    readonly string _path;
    readonly object _gate = new();
    readonly TimeProvider _time;
    DateTimeOffset _downUntil = DateTimeOffset.MinValue;
    bool _downLogged;
    Store _store;

    public ExternalEmbeddings(EmbeddingEndpoint endpoint, PaperboyOptions options, ILogger<ExternalEmbeddings>? logger = null,
        TimeProvider? time = null)
    {
        _endpoint = endpoint;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _path = Path.Combine(options.DataDir, "search", "external.bin");
        _store = Store.Empty(Key);
        if (!endpoint.Configured) return;
        var client = new EmbeddingClient(endpoint.Model, new ApiKeyCredential(string.IsNullOrEmpty(endpoint.ApiKey) ? "none" : endpoint.ApiKey),
            new OpenAIClientOptions
            {
                Endpoint = endpoint.BaseUri,
                // Search must answer quickly: no client-side retries, a short timeout; the fallback is the built-in embedder.
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                NetworkTimeout = TimeSpan.FromSeconds(30),
            });
        _generator = client.AsIEmbeddingGenerator();
        _store = Store.Load(_path, Key) ?? Store.Empty(Key);
    }

    string Key => $"{_endpoint.Url}|{_endpoint.Model}";

    public bool Configured => _generator is not null;

    /// <summary>The paper vectors when they cover the whole index (else dense search would miss papers).</summary>
    public DenseIndex? VectorsFor(Snapshot snapshot)
    {
        var store = _store;
        return store.Vectors is { } v && v.Count > 0 && v.Count >= snapshot.Dense.Count ? v : null;
    }

    /// <summary>The query's vector, or null when not configured, down, or too slow.</summary>
    public async Task<float[]?> EmbedQueryAsync(string text, CancellationToken ct)
    {
        if (_generator is null || string.IsNullOrWhiteSpace(text) || _time.GetUtcNow() < _downUntil) return null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(QueryTimeout);
        try
        {
            var result = await _generator.GenerateAsync([text], cancellationToken: timeout.Token);
            var v = result[0].Vector.ToArray();
            VectorMath.Normalize(v);
            MarkUp();
            return v;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            MarkDown(ex);
            return null;
        }
    }

    /// <summary>Embeds papers that have no vector yet (or whose text changed) and drops removed ones. Called by the indexer.</summary>
    public async Task<int> SyncAsync(SearchIndex index, Storage.Database database, CancellationToken ct)
    {
        if (_generator is null || _time.GetUtcNow() < _downUntil) return 0;
        HashSet<string> live;
        using (var s = index.Acquire()) live = s.Dense.Ids.ToHashSet(StringComparer.Ordinal);
        var store = _store;
        var papers = new List<Paper>();
        await using (var c = await database.OpenAsync(ct))
        {
            foreach (var p in Dapper.SqlMapper.Query<Paper>(c, "SELECT id, title, abstract FROM papers WHERE hidden = FALSE", buffered: false))
                if (live.Contains(p.Id) && store.Hashes.GetValueOrDefault(p.Id) != Hash(p)) papers.Add(p);
        }
        var removed = store.Hashes.Keys.Where(id => !live.Contains(id)).ToList();
        if (papers.Count == 0 && removed.Count == 0) return 0;
        var done = 0;
        try
        {
            foreach (var batch in papers.Chunk(BatchSize))
            {
                var result = await _generator.GenerateAsync(batch.Select(Text), cancellationToken: ct);
                var upserts = new List<(string, PaperFacts, float[])>();
                for (var i = 0; i < batch.Length; i++)
                {
                    var v = result[i].Vector.ToArray();
                    VectorMath.Normalize(v);
                    upserts.Add((batch[i].Id, default, v));
                }
                store = store.With(upserts, batch.Select(Hash).ToList(), removed);
                removed = [];
                done += batch.Length;
                MarkUp();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            MarkDown(ex);
        }
        store = store.With([], [], removed);
        _store = store;
        store.Save(_path);
        return done;
    }

    static string Text(Paper p) => p.Title + "\n\n" + p.Abstract;

    static long Hash(Paper p) => BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Text(p))));

    void MarkUp()
    {
        lock (_gate)
        {
            if (_downLogged) _logger.LogInformation("Embeddings endpoint {Url} answers again", _endpoint.Url);
            _downLogged = false;
        }
    }

    void MarkDown(Exception ex)
    {
        lock (_gate)
        {
            _downUntil = _time.GetUtcNow() + RetryAfter;
            if (_downLogged) return;
            _downLogged = true;
        }
        _logger.LogWarning("Embeddings endpoint {Url} failed ({Error}); searching with keywords and the built-in embedder until it answers", _endpoint.Url, ex.Message);
    }

    public void Dispose() => _generator?.Dispose();

    /// <summary>Paper vectors from the external model, and a hash of the text each was computed from.</summary>
    sealed record Store(string Key, DenseIndex? Vectors, Dictionary<string, long> Hashes)
    {
        public static Store Empty(string key) => new(key, null, new(StringComparer.Ordinal));

        public Store With(List<(string Id, PaperFacts Facts, float[] Vector)> upserts, List<long> hashes, List<string> removed)
        {
            if (upserts.Count == 0 && removed.Count == 0) return this;
            var dims = Vectors?.Dimensions ?? upserts[0].Vector.Length;
            var fitting = upserts.Where(u => u.Vector.Length == dims).ToList();
            var vectors = (Vectors ?? new DenseIndex(dims, [], [], [])).With(fitting, removed);
            var h = new Dictionary<string, long>(Hashes, StringComparer.Ordinal);
            foreach (var id in removed) h.Remove(id);
            for (var i = 0; i < upserts.Count; i++) if (upserts[i].Vector.Length == dims) h[upserts[i].Id] = hashes[i];
            return new Store(Key, vectors, h);
        }

        public void Save(string path)
        {
            if (Vectors is null) return;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (var w = new BinaryWriter(new BufferedStream(File.Create(path + ".tmp"), 1 << 20)))
            {
                w.Write(Key);
                w.Write(Hashes.Count);
                foreach (var (id, hash) in Hashes) { w.Write(id); w.Write(hash); }
                Vectors.Write(w);
            }
            File.Move(path + ".tmp", path, overwrite: true);
        }

        public static Store? Load(string path, string key)
        {
            try
            {
                using var r = new BinaryReader(new BufferedStream(File.OpenRead(path), 1 << 20));
                if (r.ReadString() != key) return null; // another endpoint or model: its vectors do not compare
                var n = r.ReadInt32();
                var hashes = new Dictionary<string, long>(n, StringComparer.Ordinal);
                for (var i = 0; i < n; i++) hashes[r.ReadString()] = r.ReadInt64();
                return new Store(key, DenseIndex.Read(r), hashes);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or EndOfStreamException or ArgumentException)
            {
                return null; // missing or damaged: recomputed in the background
            }
        }
    }
}
