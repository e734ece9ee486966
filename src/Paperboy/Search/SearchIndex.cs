using System.Diagnostics;
using Dapper;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Paperboy.Papers;
using Paperboy.Storage;
using FSDirectory = Lucene.Net.Store.FSDirectory;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Paperboy.Search;

/// <summary>
/// The search index: derived from the database, never the source of truth. Lives under
/// <c>{data}/search/</c> as generations (<c>g{ticks}/</c>, each a Lucene index plus <c>dense.bin</c>
/// with the built-in embedder and every paper's vector); the file <c>CURRENT</c> names the live one.
/// A rebuild writes a new generation and then switches <c>CURRENT</c>, so a reindex from the command
/// line never disturbs a running server, which notices the switch on its next poll.
/// It follows <c>papers.updated_at</c>: the newest timestamp applied is stored with each commit.
/// </summary>
public sealed class SearchIndex : IDisposable
{
    const string CurrentFile = "CURRENT";
    const string DenseFile = "dense.bin";
    const string WatermarkKey = "paperboy.watermark";

    readonly Database _database;
    readonly TimeProvider _time;
    readonly ILogger _logger;
    readonly SemaphoreSlim _writeLock = new(1, 1);
    Generation? _generation;
    readonly TaskCompletionSource _searchable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Waits until keyword search can answer: at once on an index that was opened, and within moments of
    /// the start of a first build, which publishes the papers read so far (see <see cref="Building"/>).
    /// Search pages, the search API and search feeds wait on this; false on timeout.
    /// </summary>
    public Task<bool> WaitSearchableAsync(TimeSpan timeout, CancellationToken ct) => WaitAsync(_searchable.Task, timeout, ct);

    /// <summary>
    /// Waits until the index is complete, with every paper and its embedder: opened, or a first build
    /// finished. Similar papers and recommendations, which need the vectors, wait on this; false on timeout.
    /// </summary>
    public Task<bool> WaitReadyAsync(TimeSpan timeout, CancellationToken ct) => WaitAsync(_ready.Task, timeout, ct);

    static async Task<bool> WaitAsync(Task task, TimeSpan timeout, CancellationToken ct)
    {
        try { await task.WaitAsync(timeout, ct); return true; }
        catch (TimeoutException) { return false; }
    }

    /// <summary>True once keyword search can answer (<see cref="WaitSearchableAsync"/>).</summary>
    public bool IsSearchable => _searchable.Task.IsCompleted;

    /// <summary>True once the index is complete (<see cref="WaitReadyAsync"/>); a server's indexer builds it at start, a command must ask.</summary>
    public bool IsReady => _ready.Task.IsCompleted;

    public string Root { get; }

    /// <summary>Called during a rebuild with the stage and the papers read so far, for a command's progress line.</summary>
    public Action<string, int>? Progress { get; set; }
    public SearchSettings Settings { get; }

    public SearchIndex(Database database, PaperboyOptions options, SearchSettings? settings = null, ILogger<SearchIndex>? logger = null,
        TimeProvider? time = null)
    {
        _database = database;
        // Papers are stamped with the app's clock, so the settle window (below) is measured on it too.
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Root = Path.Combine(options.DataDir, "search");
        NeuralModel = options.BuiltInEmbedder ? NeuralEmbedder.ConfiguredModelName : null;
        Settings = settings ?? SearchSettings.FromEnvironment();
        // Beside the generations, not in one: a new generation (reindex) keeps the model's graph, whose papers are keyed by id.
        Neural = new(NeuralEmbedder.Dimensions, logger: _logger,
            graphPath: NeuralModel is null ? null : GraphPath(Root, NeuralModel),
            otherGraphPaths: NeuralModel is null ? null : OtherNamesGraphs(Root, NeuralModel));
    }

    /// <summary>Where the HNSW graph of the vectors stored under <paramref name="model"/> is saved.</summary>
    public static string GraphPath(string root, string model) =>
        Path.Combine(root, GraphPrefix + string.Concat(model.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')) + GraphSuffix);

    const string GraphPrefix = "graph-";
    const string GraphSuffix = ".usearch";

    /// <summary>
    /// The graphs saved for the built-in model under names other than <paramref name="model"/> (another precision or
    /// truncation), which a first build after such an upgrade starts from (<see cref="NeuralIndex"/>); never another model's.
    /// </summary>
    public static IReadOnlyList<string> OtherNamesGraphs(string root, string model)
    {
        if (!Directory.Exists(root)) return [];
        var own = GraphPath(root, model);
        // The file name keeps the model name but for '@' (→ '_'), which the built-in model's own name does not contain.
        return Directory.EnumerateFiles(root, GraphPrefix + "*" + GraphSuffix)
            .Where(path => path != own && NeuralEmbedder.IsBuiltIn(Path.GetFileName(path)[GraphPrefix.Length..^GraphSuffix.Length].Replace('_', '@')))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public Similarity Similarity => new BM25Similarity(Settings.K1, Settings.B);

    /// <summary>
    /// Opens the current generation, or builds one if it is missing or unreadable; then catches up with
    /// the database: papers, and the model vectors stored since the last call.
    /// </summary>
    public async Task EnsureReadyAsync(CancellationToken ct = default)
    {
        await OpenOrBuildAsync(ct);
        if (NeuralModel is not null) await FollowVectorsAsync(new PaperVectors(_database, _time), NeuralModel, ct);
    }

    async Task OpenOrBuildAsync(CancellationToken ct)
    {
        if (_generation is not null && ReadCurrentName() == _generation.Name) { await CatchUpAsync(ct); return; }
        await _writeLock.WaitAsync(ct);
        try
        {
            if (_generation is null || ReadCurrentName() != _generation.Name)
            {
                var opened = TryOpenCurrent();
                if (opened is null) await RebuildLockedAsync(ct);
                else Swap(opened, complete: true);
            }
        }
        finally { _writeLock.Release(); }
        await CatchUpAsync(ct);
    }

    /// <summary>Rebuilds everything from the database into a new generation and switches to it.</summary>
    public async Task<int> RebuildAsync(CancellationToken ct = default)
    {
        await _writeLock.WaitAsync(ct);
        try { return await RebuildLockedAsync(ct); }
        finally { _writeLock.Release(); }
    }

    /// <summary>A consistent view for one query; dispose it when done.</summary>
    public Snapshot Acquire()
    {
        while (true)
        {
            var g = _generation ?? throw new InvalidOperationException("search index not opened");
            var s = g.Current;
            if (s.Reader.TryIncRef()) return s;
        }
    }

    public int Count => _generation?.Current.Dense.Count ?? 0;

    /// <summary>The built-in model's vectors, following <c>paper_vectors</c> (<see cref="FollowVectorsAsync"/>).</summary>
    public NeuralIndex Neural { get; }

    /// <summary>
    /// Reads the vectors stored since the last call (all of them the first time) into <see cref="Neural"/>.
    /// Looks <see cref="Settle"/> behind the newest as the paper poll does: a batch stamped before
    /// another commits later. Returns how many were read.
    /// </summary>
    public async Task<int> FollowVectorsAsync(PaperVectors store, string model, CancellationToken ct = default)
    {
        await _followLock.WaitAsync(ct);
        try { return await FollowLockedAsync(store, model, ct); }
        finally { _followLock.Release(); }
    }

    readonly SemaphoreSlim _followLock = new(1, 1);

    /// <summary>The built-in model whose stored vectors <see cref="EnsureReadyAsync"/> follows; null: none (PAPERBOY_EMBEDDER=off).</summary>
    public string? NeuralModel { get; init; }

    async Task<int> FollowLockedAsync(PaperVectors store, string model, CancellationToken ct)
    {
        var settled = StoredTime.Format(_time.GetUtcNow() - Settle);
        var from = string.CompareOrdinal(Neural.Watermark, settled) < 0 ? Neural.Watermark : settled;
        var read = 0;
        var newest = Neural.Watermark;
        // The first time, the vectors of the model's other names first (after an upgrade of its precision or
        // truncation, until the worker has replaced them all): every paper keeps its place in semantic search
        // meanwhile, instead of the model covering only what was re-embedded so far (hours at a million papers).
        // Each is overwritten by the configured name's vector below, or as it is stored; the watermark is this name's.
        if (newest.Length == 0 && Neural.Count == 0)
            foreach (var (old, _) in await store.SupersededAsync(model, ct))
                await foreach (var (id, vector, _) in store.SinceAsync(old, "", ct))
                    Neural.Set(id, vector);
        await foreach (var (id, vector, at) in store.SinceAsync(model, from, ct))
        {
            Neural.Set(id, vector);
            if (string.CompareOrdinal(at, newest) > 0) newest = at;
            read++;
        }
        Neural.Watermark = newest;
        return read;
    }

    /// <summary>
    /// Never takes the index writer of an existing generation: for a command that runs beside a server
    /// (<c>paperboy digest send</c>), which keeps the index current. Two writers on one index corrupt it.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>The latest <c>papers.updated_at</c> the open generation has applied; null before it is open.</summary>
    public string? Watermark => _generation?.Watermark;

    /// <summary>
    /// While nothing is open yet, a first build publishes what it has read this often, and once more when
    /// every paper is read, so keyword search answers within moments and is complete while the embedder trains.
    /// </summary>
    static readonly TimeSpan PublishEvery = TimeSpan.FromSeconds(2);

    /// <summary>Papers read so far by a first build (no index to serve yet), and how many there are; null when not building.</summary>
    public (int Read, int Total)? Building { get; private set; }

    async Task<int> RebuildLockedAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await _database.MigrateAsync(ct);
        Directory.CreateDirectory(Root);
        // A name unique on this machine, not a time the app reasons about: a faked clock could repeat it.
        var name = "g" + DateTime.UtcNow.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        var luceneDir = FSDirectory.Open(dir);
        var writer = new IndexWriter(luceneDir, new IndexWriterConfig(TextAnalysis.Version, TextAnalysis.English)
        {
            OpenMode = OpenMode.CREATE,
            Similarity = Similarity,
            RAMBufferSizeMB = 64,
        });
        var ids = new List<string>();
        var facts = new List<PaperFacts>();
        // LSA learns from a uniform sample (reservoir sampling, fixed seed): the whole corpus's tokens
        // would not fit at a million papers (8 GB), and a sample of 50k gives the same space.
        var sample = new List<IReadOnlyList<string>>();
        var random = new Random(17);
        var intern = new Dictionary<string, string>(StringComparer.Ordinal);
        var watermark = "";
        // Rows within the settle window are remembered as applied, so the first poll does not redo them.
        var settled = StoredTime.Format(_time.GetUtcNow() - Settle);
        var recent = new List<(string Id, string UpdatedAt)>();
        // Nothing to serve yet (first start): publish the papers read so far as they come.
        Generation? building = null;
        var total = 0;
        await using (var c = await _database.OpenAsync(ct))
        {
            total = await c.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM papers WHERE hidden = FALSE", cancellationToken: ct));
            var published = Stopwatch.StartNew();
            void Publish()
            {
                var partial = new DenseIndex(0, ids.ToArray(), facts.ToArray(), []);
                if (building is null) { building = new Generation(name, dir, luceneDir, writer, LsaEmbedder.Empty, partial, Similarity, Neural); Swap(building, complete: false); }
                else building.Refresh(partial);
                Building = (ids.Count, total);
                published.Restart();
            }
            // An empty catalog is searchable at once; otherwise a search waits (a moment) for the first
            // papers rather than being answered from nothing.
            if (_generation is null) { Building = (0, total); if (total == 0) Publish(); }
            foreach (var p in c.Query<Paper>(SelectPapers + " WHERE hidden = FALSE", buffered: false))
            {
                ct.ThrowIfCancellationRequested();
                writer.AddDocument(Documents.Of(p));
                ids.Add(p.Id);
                facts.Add(new PaperFacts(PaperFacts.DayNumber(p.Published), p.Upvotes));
                var slot = sample.Count < Settings.LsaSample ? sample.Count : random.Next(ids.Count);
                if (slot < Settings.LsaSample)
                {
                    // Interned: 48k abstracts hold ~7M tokens but only ~100k distinct words.
                    var terms = Documents.EmbeddingTerms(p);
                    for (var i = 0; i < terms.Count; i++)
                    {
                        if (intern.TryGetValue(terms[i], out var same)) terms[i] = same;
                        else intern[terms[i]] = terms[i];
                    }
                    if (slot == sample.Count) sample.Add(terms);
                    else sample[slot] = terms;
                }
                if (string.CompareOrdinal(p.UpdatedAt, watermark) > 0) watermark = p.UpdatedAt;
                if (string.CompareOrdinal(p.UpdatedAt, settled) >= 0) recent.Add((p.Id, p.UpdatedAt));
                if (ids.Count % 1000 == 0) Progress?.Invoke("reading papers", ids.Count);
                if (Building is not null && ids.Count % 500 == 0 && published.Elapsed >= PublishEvery) Publish();
            }
            // Every paper is keyword-searchable while the embedder trains.
            if (Building is not null) Publish();
        }
        Progress?.Invoke("training the embedder", ids.Count);
        var analysed = clock.Elapsed;
        var lsa = LsaEmbedder.Train(sample, Settings.Dimensions).ForCorpus(ids.Count);
        // A catalog no larger than the sample was sampled whole, in order: its terms fold it in below.
        var sampledWhole = sample.Count == ids.Count;
        if (!sampledWhole) sample.Clear();
        intern.Clear();
        var trained = clock.Elapsed;
        // One segment: a rebuild leaves ~15 at a million papers, and every query pays per segment (term lookups,
        // a scorer each, a conjunction's skips in each); merged, keyword search took ~25 % less time there
        // (docs/PERFORMANCE.md). Searches meanwhile use the segments as they are. Measured at 1M: ~20 s, and the
        // reindex's peak memory 1.9 → 2.5 GB wherever it runs (here, with the training's tokens let go, or before).
        Progress?.Invoke("merging the keyword index", ids.Count);
        writer.ForceMerge(1);
        var vectors = new float[(long)ids.Count * lsa.Dimensions];
        if (lsa.Dimensions > 0 && sampledWhole)
        {
            // Every paper's terms are at hand: no second read and tokenization of the catalog.
            Parallel.For(0, ids.Count, i => lsa.Embed(sample[i]).CopyTo(vectors.AsSpan(i * lsa.Dimensions, lsa.Dimensions)));
            Progress?.Invoke("embedding papers", ids.Count);
        }
        else if (lsa.Dimensions > 0)
        {
            // A second pass folds every paper into the space, a chunk at a time.
            var rows = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
            for (var i = 0; i < ids.Count; i++) rows[ids[i]] = i;
            var chunk = new List<(int Row, Paper Paper)>(4096);
            var done = 0;
            void Flush()
            {
                Parallel.ForEach(chunk, x => lsa.Embed(Documents.EmbeddingTerms(x.Paper)).CopyTo(vectors.AsSpan(x.Row * lsa.Dimensions, lsa.Dimensions)));
                done += chunk.Count;
                chunk.Clear();
                Progress?.Invoke("embedding papers", done);
            }
            await using var c = await _database.OpenAsync(ct);
            foreach (var p in c.Query<Paper>("SELECT id, title, abstract FROM papers WHERE hidden = FALSE", buffered: false))
            {
                ct.ThrowIfCancellationRequested();
                if (!rows.TryGetValue(p.Id, out var row)) continue; // arrived since the first pass: the next poll adds it
                chunk.Add((row, p));
                if (chunk.Count == chunk.Capacity) Flush();
            }
            Flush();
        }
        sample.Clear();
        var dense = new DenseIndex(lsa.Dimensions, ids.ToArray(), facts.ToArray(), vectors);
        writer.SetCommitData(new Dictionary<string, string> { [WatermarkKey] = watermark });
        writer.Commit();
        SaveDense(dir, lsa, dense, watermark);
        var generation = building ?? new Generation(name, dir, luceneDir, writer, lsa, dense, Similarity, Neural);
        generation.Lsa = lsa;
        generation.Watermark = watermark;
        foreach (var (id, at) in recent) generation.Applied[id] = at;
        var previous = ReadCurrentName();
        WriteCurrentName(name);
        if (building is null) Swap(generation, complete: true);
        else generation.Refresh(dense);
        Building = null;
        _ready.TrySetResult();
        // The previous generation stays until the next rebuild: a server may still have it open.
        DeleteOldGenerations(name, previous);
        _logger.LogInformation("Search index rebuilt: {Count} papers in {Seconds:0.0} s (analysis {A:0.0} s, embedder {E:0.0} s)",
            ids.Count, clock.Elapsed.TotalSeconds, analysed.TotalSeconds, (trained - analysed).TotalSeconds);
        return ids.Count;
    }

    const string SelectPapers = "SELECT id, title, abstract, authors, published, categories, upvotes, hidden, updated_at FROM papers";

    /// <summary>
    /// Applies every paper changed since the stored watermark, or within <see cref="Settle"/> of now
    /// (hidden ones are removed): re-applying is harmless, missing one is not.
    /// Retrains the embedder once the corpus has doubled since it was trained.
    /// </summary>
    public async Task<int> CatchUpAsync(CancellationToken ct = default)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            var g = _generation;
            if (g is null) return 0;
            if (ReadCurrentName() is { } current && current != g.Name)
            {
                // Someone (paperboy reindex) built a newer generation: follow it.
                var opened = TryOpenCurrent();
                if (opened is not null) { Swap(opened, complete: true); g = opened; }
            }
            if (g.Writer is null) return 0; // another process holds the writer and keeps the index current
            var total = 0;
            while (true)
            {
                var applied = await ApplyChangesAsync(g, ct);
                total += applied;
                if (applied < BatchSize) break;
            }
            if (total > 0 && g.Current.Dense.Count >= 2 * g.Lsa.TrainedOn + 200)
            {
                _logger.LogInformation("Search index: corpus grew from {Old} to {New} papers; retraining the embedder", g.Lsa.TrainedOn, g.Current.Dense.Count);
                await RebuildLockedAsync(ct);
            }
            return total;
        }
        finally { _writeLock.Release(); }
    }

    const int BatchSize = 5000;

    /// <summary>
    /// How far behind the newest change each poll looks again. A row is stamped when its transaction
    /// starts but seen when it commits, and other instances' clocks differ by a little: a change that
    /// lands "in the past" within this window is still applied. Rows already applied at the same
    /// timestamp are skipped, so an idle poll reads only ids and writes nothing.
    /// </summary>
    static readonly TimeSpan Settle = TimeSpan.FromMinutes(2);

    async Task<int> ApplyChangesAsync(Generation g, CancellationToken ct)
    {
        var settled = StoredTime.Format(_time.GetUtcNow() - Settle);
        var from = string.CompareOrdinal(g.Watermark, settled) < 0 ? g.Watermark : settled;
        foreach (var stale in g.Applied.Where(a => string.CompareOrdinal(a.Value, from) < 0).Select(a => a.Key).ToList()) g.Applied.Remove(stale);
        List<Paper> changed;
        await using (var c = await _database.OpenAsync(ct))
        {
            // Ids first: at most Applied.Count of them are skipped, so the limit still leaves a full batch to apply.
            var keys = (await c.QueryAsync<(string Id, string UpdatedAt)>(new CommandDefinition(
                "SELECT id, updated_at FROM papers WHERE updated_at >= @from ORDER BY updated_at, id LIMIT @Limit",
                new { from, Limit = BatchSize + g.Applied.Count }, cancellationToken: ct))).AsList();
            var pending = keys.Where(k => !g.Applied.TryGetValue(k.Id, out var at) || at != k.UpdatedAt).Take(BatchSize).Select(k => k.Id).ToList();
            if (pending.Count == 0) return 0;
            changed = (await c.QueryAsync<Paper>(new CommandDefinition(
                SelectPapers + " WHERE id " + _database.Dialect.In("ids") + " ORDER BY updated_at, id",
                new { ids = _database.Dialect.List(pending) }, cancellationToken: ct))).AsList();
        }
        if (changed.Count == 0) return 0;
        var upserts = new List<(string, PaperFacts, float[])>();
        var deletes = new List<string>();
        foreach (var p in changed)
        {
            if (p.Hidden)
            {
                g.Writer!.DeleteDocuments(new Term(Documents.Id, p.Id));
                deletes.Add(p.Id);
            }
            else
            {
                g.Writer!.UpdateDocument(new Term(Documents.Id, p.Id), Documents.Of(p));
                upserts.Add((p.Id, new PaperFacts(PaperFacts.DayNumber(p.Published), p.Upvotes), g.Lsa.Embed(Documents.EmbeddingTerms(p))));
            }
        }
        foreach (var p in changed) g.Applied[p.Id] = p.UpdatedAt;
        var newest = changed[^1].UpdatedAt;
        var watermark = string.CompareOrdinal(newest, g.Watermark) > 0 ? newest : g.Watermark;
        g.Writer!.SetCommitData(new Dictionary<string, string> { [WatermarkKey] = watermark });
        g.Writer.Commit();
        var dense = g.Current.Dense.With(upserts, deletes);
        SaveDense(g.Dir, g.Lsa, dense, watermark);
        g.Watermark = watermark;
        g.Refresh(dense);
        _logger.LogInformation("Search index: {Changed} papers updated, {Count} indexed", changed.Count, dense.Count);
        return changed.Count;
    }

    Generation? TryOpenCurrent()
    {
        var name = ReadCurrentName();
        if (name is null) return null;
        var dir = Path.Combine(Root, name);
        if (!Directory.Exists(dir)) return null;
        LuceneDirectory? luceneDir = null;
        IndexWriter? writer = null;
        try
        {
            luceneDir = FSDirectory.Open(dir);
            if (!ReadOnly)
            {
                try
                {
                    writer = new IndexWriter(luceneDir, new IndexWriterConfig(TextAnalysis.Version, TextAnalysis.English)
                    {
                        OpenMode = OpenMode.APPEND,
                        Similarity = Similarity,
                    });
                }
                catch (Lucene.Net.Store.LockObtainFailedException)
                {
                    writer = null; // a server has it open; read what it commits
                }
            }
            LsaEmbedder lsa;
            DenseIndex dense;
            string denseWatermark;
            using (var stream = new BufferedStream(File.OpenRead(Path.Combine(dir, DenseFile)), 1 << 20))
            using (var r = new BinaryReader(stream))
            {
                denseWatermark = r.ReadString();
                lsa = LsaEmbedder.Read(r);
                dense = DenseIndex.Read(r);
            }
            var g = new Generation(name, dir, luceneDir, writer, lsa, dense, Similarity, Neural);
            var luceneWatermark = g.Current.Reader.IndexCommit.UserData.TryGetValue(WatermarkKey, out var w) ? w : "";
            // Follow from the older of the two marks: re-applying a change is harmless.
            g.Watermark = string.CompareOrdinal(luceneWatermark, denseWatermark) < 0 ? luceneWatermark : denseWatermark;
            if (g.Current.Reader.NumDocs != dense.Count)
                throw new InvalidDataException($"index holds {g.Current.Reader.NumDocs} papers but the vectors {dense.Count}");
            return g;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning("Search index at {Dir} is unreadable ({Error}); rebuilding it from the database", dir, ex.Message);
            try { writer?.Dispose(); } catch (Exception) { /* already broken */ }
            try { luceneDir?.Dispose(); } catch (Exception) { /* already broken */ }
            return null;
        }
    }

    static void SaveDense(string dir, LsaEmbedder lsa, DenseIndex dense, string watermark)
    {
        var path = Path.Combine(dir, DenseFile);
        var tmp = path + ".tmp";
        using (var stream = new BufferedStream(File.Create(tmp), 1 << 20))
        using (var w = new BinaryWriter(stream))
        {
            w.Write(watermark);
            lsa.Write(w);
            dense.Write(w);
        }
        File.Move(tmp, path, overwrite: true);
    }

    string? ReadCurrentName()
    {
        try
        {
            var name = File.ReadAllText(Path.Combine(Root, CurrentFile)).Trim();
            return name.Length is > 1 and < 40 && name[0] == 'g' && name.Skip(1).All(char.IsAsciiDigit) ? name : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }

    void WriteCurrentName(string name)
    {
        var path = Path.Combine(Root, CurrentFile);
        File.WriteAllText(path + ".tmp", name);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <param name="complete">False for a first build's partial generation: searchable, not yet <see cref="IsReady"/>.</param>
    void Swap(Generation next, bool complete)
    {
        var old = Interlocked.Exchange(ref _generation, next);
        _searchable.TrySetResult();
        if (complete) _ready.TrySetResult();
        if (old is null || ReferenceEquals(old, next)) return;
        try { old.Dispose(); }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Closing the previous search index generation failed: {Error}", ex.Message);
        }
    }

    void DeleteOldGenerations(string keep, string? previous)
    {
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            var name = Path.GetFileName(dir);
            if (name == keep || name == previous) continue;
            try { Directory.Delete(dir, recursive: true); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { /* in use elsewhere; next rebuild removes it */ }
        }
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _generation, null)?.Dispose();
        Neural.Dispose();
        _writeLock.Dispose();
    }

    /// <summary>One generation's open files and the snapshot queries read.</summary>
    sealed class Generation : IDisposable
    {
        public string Name { get; }
        public string Dir { get; }
        public LuceneDirectory LuceneDir { get; }
        public IndexWriter? Writer { get; }
        public LsaEmbedder Lsa { get; set; }
        public string Watermark { get; set; } = "";
        /// <summary>Ids applied within the settle window, with the timestamp applied, so an idle poll rewrites nothing.</summary>
        public Dictionary<string, string> Applied { get; } = new(StringComparer.Ordinal);
        readonly Similarity _similarity;
        volatile Snapshot _current;
        public Snapshot Current => _current;

        public Generation(string name, string dir, LuceneDirectory luceneDir, IndexWriter? writer, LsaEmbedder lsa, DenseIndex dense, Similarity similarity, NeuralIndex neural)
        {
            Name = name;
            Dir = dir;
            LuceneDir = luceneDir;
            Writer = writer;
            Lsa = lsa;
            _similarity = similarity;
            var reader = writer is null ? DirectoryReader.Open(luceneDir) : DirectoryReader.Open(writer, applyAllDeletes: true);
            _current = new Snapshot(reader, dense, lsa, similarity) { Neural = neural };
        }

        public void Refresh(DenseIndex dense)
        {
            var old = _current;
            var reader = (Writer is null ? DirectoryReader.OpenIfChanged(old.Reader) : DirectoryReader.OpenIfChanged(old.Reader, Writer, applyAllDeletes: true))
                ?? old.Reader.Also(r => r.IncRef());
            _current = new Snapshot(reader, dense, Lsa, _similarity) { Neural = old.Neural };
            old.Reader.DecRef();
        }

        public void Dispose()
        {
            _current.Reader.DecRef();
            Writer?.Dispose();
            LuceneDir.Dispose();
        }
    }
}

/// <summary>
/// A Lucene reader and the vectors that match it. Reference-counted through the reader, so a
/// query in flight keeps its snapshot while the index moves on.
/// </summary>
public sealed class Snapshot : IDisposable
{
    public DirectoryReader Reader { get; }
    public IndexSearcher Searcher { get; }
    public DenseIndex Dense { get; }
    public LsaEmbedder Lsa { get; }
    /// <summary>
    /// The built-in model's vectors, shared by every snapshot of the index and filled while it
    /// lives (a paper may have none yet); null where no index owns one (tests that build snapshots).
    /// </summary>
    public NeuralIndex? Neural { get; init; }
    /// <summary>Lucene document number → dense row (−1 for none), so hits need no stored-field reads.</summary>
    public int[] DocToRow { get; }

    public Snapshot(DirectoryReader reader, DenseIndex dense, LsaEmbedder lsa, Similarity similarity)
    {
        Reader = reader;
        Searcher = new IndexSearcher(reader) { Similarity = similarity };
        Dense = dense;
        Lsa = lsa;
        DocToRow = new int[reader.MaxDoc];
        var bytes = new BytesRef();
        foreach (var leaf in reader.Leaves)
        {
            var ids = leaf.AtomicReader.GetSortedDocValues(Documents.Id);
            var live = leaf.AtomicReader.LiveDocs;
            for (var d = 0; d < leaf.AtomicReader.MaxDoc; d++)
            {
                var row = -1;
                // A replaced or deleted document keeps its number until merged away: it maps to no row.
                if (ids is not null && (live is null || live.Get(d)))
                {
                    ids.Get(d, bytes);
                    row = dense.Rows.GetValueOrDefault(bytes.Utf8ToString(), -1);
                }
                DocToRow[leaf.DocBase + d] = row;
            }
        }
    }

    public void Dispose() => Reader.DecRef();
}

static class ObjectExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
