using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Paperboy.Search;

/// <summary>
/// Gives every paper its vector of the built-in model, a batch at a time, newest papers first.
/// Each batch is committed on its own, so a killed run loses at most one batch and the next run
/// goes on where it stopped. Used by <see cref="EmbeddingWorker"/> in <c>serve</c> and by
/// <c>paperboy reindex</c>. Keeps the figures <c>/admin</c> and <c>/metrics</c> show.
/// </summary>
public sealed class PaperEmbedding(PaperVectors store, NeuralEmbedder embedder)
{
    /// <summary>Papers per database round trip: about 5–10 s of embedding on two cores.</summary>
    public const int BatchSize = 64;

    public NeuralEmbedder Embedder => embedder;
    public string Model => embedder.Model;

    // The rate over the recent batches (papers/s), for "time left".
    readonly object _gate = new();
    readonly Queue<(long Ticks, int Papers)> _recent = new();

    string? _nothingPendingAt; // the papers' latest update when the last look found nothing to embed

    /// <summary>Set by the worker: why embedding is not running, or null.</summary>
    public string? LastError { get; set; }

    /// <summary>Embeds one batch of pending papers; returns how many were checked (0: nothing left).</summary>
    public async Task<int> EmbedBatchAsync(CancellationToken ct = default)
    {
        // Finding that nothing is pending joins every paper to its vector (seconds at a million papers, every idle poll):
        // once that found nothing, it runs again only after a paper changed. Read first, so a paper added meanwhile counts as a change.
        var changed = await store.LatestChangeAsync(ct);
        if (changed is not null && changed == _nothingPendingAt) return 0;
        var pending = await store.PendingAsync(Model, BatchSize, ct);
        if (pending.Count == 0)
        {
            _nothingPendingAt = changed;
            return 0;
        }
        _nothingPendingAt = null;
        var texts = pending.Select(p => NeuralEmbedder.PaperText(p.Title, p.Abstract)).ToList();
        var hashes = texts.Select(NeuralEmbedder.TextHash).ToList();
        // Only papers whose text changed are embedded again; a vote or a new link changes nothing here.
        var todo = Enumerable.Range(0, pending.Count).Where(i => pending[i].TextHash != hashes[i]).ToList();
        var vectors = todo.Count == 0 ? [] : await Task.Run(() => embedder.Embed(todo.Select(i => texts[i]).ToList(), ct), ct);
        var results = new List<(PendingPaper, string, float[]?)>(pending.Count);
        var k = 0;
        for (var i = 0; i < pending.Count; i++)
            results.Add((pending[i], hashes[i], todo.Count > k && todo[k] == i ? vectors[k++] : null));
        await store.SaveAsync(Model, results, ct);
        lock (_gate)
        {
            _recent.Enqueue((Stopwatch.GetTimestamp(), todo.Count));
            while (_recent.Count > 20) _recent.Dequeue();
        }
        return pending.Count;
    }

    /// <summary>Papers embedded per second over the last batches; null before two batches.</summary>
    public double? Rate
    {
        get
        {
            lock (_gate)
            {
                if (_recent.Count < 2) return null;
                var first = _recent.Peek();
                var seconds = Stopwatch.GetElapsedTime(first.Ticks).TotalSeconds;
                var papers = _recent.Skip(1).Sum(r => r.Papers);
                return seconds > 0 ? papers / seconds : null;
            }
        }
    }

    public async Task<EmbeddingStatus> StatusAsync(CancellationToken ct = default)
    {
        // Caught up, as the last look found and nothing changed since: the two counts' join (~1.3 s at a million
        // papers, on every /admin view) is not needed; the vectors' own count is an index read, as for /metrics.
        var (embedded, pending) = _nothingPendingAt is { } quiet && quiet == await store.LatestChangeAsync(ct)
            ? (await store.EmbeddedCountAsync(Model, ct), 0L)
            : await store.CountsAsync(Model, ct);
        var rate = Rate;
        TimeSpan? left = pending == 0 ? TimeSpan.Zero : rate is > 0 ? TimeSpan.FromSeconds(pending / rate.Value) : null;
        var superseded = await store.SupersededAsync(Model, ct);
        return new EmbeddingStatus(Model, embedded, pending, rate, left, LastError) { Superseded = superseded.Select(s => s.Model).ToList() };
    }
}

/// <summary>
/// Vectors for a database that is built afresh each time (eval, benchmarks, quality tests): from
/// the per-machine <see cref="VectorCache"/> where the text was embedded before, else embedded now.
/// </summary>
public static class CachedEmbedding
{
    public static async Task<int> FillAsync(Storage.Database database, NeuralEmbedder embedder, NeuralIndex target,
        Action<int, int>? progress = null, CancellationToken ct = default)
    {
        List<(string Id, string Title, string? Abstract)> papers;
        await using (var c = await database.OpenAsync(ct))
            papers = (await Dapper.SqlMapper.QueryAsync<(string, string, string?)>(c,
                new Dapper.CommandDefinition("SELECT id, title, abstract FROM papers WHERE hidden = FALSE ORDER BY id", cancellationToken: ct))).ToList();
        var cache = VectorCache.ForModel(embedder.Model, NeuralEmbedder.Dimensions);
        var texts = papers.Select(p => NeuralEmbedder.PaperText(p.Title, p.Abstract)).ToList();
        var hashes = texts.Select(NeuralEmbedder.TextHash).ToList();
        List<(string Hash, string Text)> missing;
        await cache.Filling.WaitAsync(ct);
        try
        {
            missing = Enumerable.Range(0, papers.Count).Where(i => cache.Get(hashes[i]) is null)
                .Select(i => (Hash: hashes[i], Text: texts[i])).DistinctBy(m => m.Hash).ToList();
            for (var at = 0; at < missing.Count; at += 256)
            {
                progress?.Invoke(at, missing.Count);
                var chunk = missing.Skip(at).Take(256).ToList();
                var vectors = embedder.Embed(chunk.Select(m => m.Text).ToList(), ct);
                cache.Add(chunk.Select((m, k) => (m.Hash, vectors[k])).ToList());
            }
        }
        finally { cache.Filling.Release(); }
        for (var i = 0; i < papers.Count; i++) target.Set(papers[i].Id, cache.Get(hashes[i])!);
        return missing.Count;
    }
}

/// <summary>What /admin shows of the embedding work.</summary>
public sealed record EmbeddingStatus(string Model, long Embedded, long Pending, double? PapersPerSecond, TimeSpan? TimeLeft, string? LastError)
{
    /// <summary>The model's other names with vectors still stored (an upgrade's old precision): search uses them until replaced.</summary>
    public IReadOnlyList<string> Superseded { get; init; } = [];
}

/// <summary>
/// Embeds papers in the background of <c>serve</c>. One instance works at a time (a lease in the
/// database); the others wait and only follow the stored vectors. Idle, it looks for new papers
/// every <see cref="IdleInterval"/>.
/// </summary>
public sealed class EmbeddingWorker(PaperEmbedding embedding, PaperVectors store, PaperboyOptions options, TimeProvider time, ILogger<EmbeddingWorker> logger) : BackgroundService
{
    public static readonly TimeSpan IdleInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan LeaseLength = TimeSpan.FromMinutes(2);
    public const string LeaseName = "embedding";
    readonly string _owner = PaperVectors.Owner("serve-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>How often, once every paper has its vector, the worker looks for another name's vectors to delete.</summary>
    public static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!options.BuiltInEmbedder) return;
        var failures = 0;
        var logged = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = IdleInterval;
            try
            {
                if (await store.TryLeaseAsync(LeaseName, _owner, LeaseLength, stoppingToken))
                {
                    var done = await embedding.EmbedBatchAsync(stoppingToken);
                    if (done > 0) wait = TimeSpan.Zero;
                    if (done > 0 && !logged) { logger.LogInformation("Embedding papers with {Model} in the background", embedding.Model); logged = true; }
                    if (done == 0 && logged) { logger.LogInformation("Every paper has its {Model} vector", embedding.Model); logged = false; }
                    if (done == 0 && time.GetUtcNow() >= _nextPrune)
                    {
                        _nextPrune = time.GetUtcNow() + PruneInterval;
                        foreach (var (old, deleted) in (await store.PruneSupersededAsync(embedding.Model, stoppingToken)).Pruned)
                            logger.LogInformation("Deleted {Deleted} vectors of {Old}: every paper has its {Model} vector", deleted, old, embedding.Model);
                    }
                }
                failures = 0;
                embedding.LastError = null;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                failures++;
                embedding.LastError = ex.Message;
                logger.LogError(ex, "Embedding papers failed ({Failures} in a row); retrying", failures);
                wait = TimeSpan.FromSeconds(Math.Min(300, 5 << Math.Min(failures, 6)));
            }
            if (wait > TimeSpan.Zero)
            {
                try { await Task.Delay(wait, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
        try { await store.ReleaseLeaseAsync(LeaseName, _owner); }
        catch (Exception ex) when (ex is not OutOfMemoryException) { /* it expires by itself */ }
    }
}
