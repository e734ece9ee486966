using System.Diagnostics;
using System.Globalization;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Paperboy;
using Paperboy.Ingestion;
using Paperboy.Search;
using Paperboy.Storage;

// Search benchmarks for docs/PERFORMANCE.md and docs/SEARCH.md (run in Release):
//   dotnet run -c Release --project bench/Paperboy.Bench -- latency ../shared/data/corpus-arxiv-daily
//   dotnet run -c Release --project bench/Paperboy.Bench -- similar ../shared/data
// The keyword list at scale, on a data directory bench/million.sh (DATA=…) or an import made (settings lines as PAPERBOY_SEARCH_TUNE):
//   dotnet run -c Release --project bench/Paperboy.Bench -- keyword DATA_DIR "flat=0" "flat=1"
//   dotnet run -c Release --project bench/Paperboy.Bench -- merge DATA_DIR/search/gNNN   (a copy's index into one segment)
// Recommendation quality for docs/RECOMMENDATIONS.md:
//   [SEEDS=1,2,3] dotnet run -c Release --project bench/Paperboy.Bench -- recommend ../shared/data/corpus-arxiv-daily [members] [min topics] [method prefixes]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Paperboy.Bench latency CORPUS_DIR | similar SHARED_DATA_DIR | recommend CORPUS_DIR|FILE [MEMBERS] [MIN_TOPICS] [METHOD_PREFIXES]");
    return 2;
}
return args[0] switch
{
    "latency" => await Bench.LatencyAsync(args[1]),
    "similar" => await Bench.SimilarAsync(args[1]),
    "recommend" => await Bench.RecommendAsync(args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200,
        args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1, args.Length > 4 ? args[4] : null),
    "embed" => await Bench.EmbedAsync(args[1..]),
    "tune" => await Bench.TuneAsync(args[1], args[2..]),
    "ann" => Bench.Ann(int.Parse(args[1], CultureInfo.InvariantCulture)),
    "seed-vectors" => await Bench.SeedVectorsAsync(args[1]),
    "keyword" => await Bench.KeywordAsync(args[1], args[2..]),
    "merge" => Bench.Merge(args[1]),
    _ => 2,
};

static class Bench
{
    /// <summary>
    /// The vector table at scale: ROWS vectors made from the real MiniLM vectors in the cache (fill it
    /// with `embed`), each real one followed by noisy copies (cosine ≈ 0.86 to it) until ROWS; 200
    /// queries made the same way. Reports recall@10 against exact float search, latency per query
    /// (one thread) and memory, for exact float and the int8 scan the site uses.
    /// </summary>
    public static int Ann(int rows)
    {
        var real = VectorCache.ForModel(NeuralEmbedder.ConfiguredModelName, NeuralEmbedder.Dimensions).All();
        if (real.Count < 100) { Console.Error.WriteLine("fewer than 100 cached vectors: run `embed` first"); return 2; }
        const int dims = NeuralEmbedder.Dimensions;
        var rng = new Random(1);
        float[] Noisy(float[] v, float noise = 0.6f)
        {
            var x = new float[dims];
            for (var i = 0; i < dims; i++)
                x[i] = v[i] + noise / MathF.Sqrt(dims) * (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
            VectorMath.Normalize(x);
            return x;
        }
        HeldOut(real);
        if (rows == 0) return 0;
        // PAD=noise: each real vector's noisy copies (cosine 0.86 to it): stars of near-ties around one hub, which an
        // HNSW graph links poorly (the hub takes every copy's links). PAD=mix (default): a point between a real
        // paper and one of its 10 nearest real neighbours, plus a little noise, so the padding fills the space
        // between papers the way more papers would.
        var mix = Environment.GetEnvironmentVariable("PAD") != "noise";
        var neighbours = mix ? RealNeighbours(real, 10) : [];
        float[] Pad(int r)
        {
            if (!mix) return Noisy(real[r % real.Count]);
            var i = rng.Next(real.Count);
            var (a, b) = (real[i], real[neighbours[i][rng.Next(10)]]);
            var w = 0.3f + 0.7f * (float)rng.NextDouble();
            var x = new float[dims];
            for (var d = 0; d < dims; d++) x[d] = w * a[d] + (1 - w) * b[d];
            return Noisy(x, 0.2f);
        }
        var clock = Stopwatch.StartNew();
        var flat = new float[(long)rows * dims];
        var quantised = new NeuralIndex(dims, graphFromRows: int.MaxValue); // the scan alone; the graph is measured below
        for (var r = 0; r < rows; r++)
        {
            var v = r < real.Count ? real[r] : Pad(r);
            v.CopyTo(flat.AsSpan((int)((long)r * dims), dims));
            quantised.Set("p" + r, v);
        }
        Console.WriteLine($"{rows} rows from {real.Count} real vectors, built in {clock.Elapsed.TotalSeconds:0} s; float table {flat.Length * 4L / 1048576} MB, codes {(long)rows * (dims + 4) / 1048576} MB");
        var queries = Enumerable.Range(0, 200).Select(_ => mix ? Pad(0) : Noisy(real[rng.Next(real.Count)])).ToList();
        List<string> Exact(float[] q)
        {
            var heap = new PriorityQueue<int, float>();
            for (var r = 0; r < rows; r++)
            {
                var s = System.Numerics.Tensors.TensorPrimitives.Dot(q, flat.AsSpan(r * dims, dims));
                if (heap.Count < 10) heap.Enqueue(r, s);
                else if (heap.TryPeek(out _, out var worst) && s > worst) heap.EnqueueDequeue(r, s);
            }
            var top = new List<string>();
            while (heap.TryDequeue(out var r, out _)) top.Add("p" + r);
            return top;
        }
        var truth = queries.Select(Exact).ToList();
        var exact = Measure(queries, Exact);
        Report("exact float scan", exact, null);
        foreach (var (name, index) in new[] { ("int8 codes, every row scored", quantised) })
        {
            var found = queries.Select(q => index.Nearest(q, 10, null).Select(h => h.Id).ToList()).ToList();
            var times = Measure(queries, q => index.Nearest(q, 10, null));
            var recall = Enumerable.Range(0, queries.Count).Average(i => found[i].Intersect(truth[i]).Count() / 10.0);
            Report($"{name}: recall@10 {recall:0.000}", times, exact);
        }
        if (Environment.GetEnvironmentVariable("GRAPH") == "site") SiteGraph(rows, flat, queries, truth);
        else Hnsw(rows, flat, queries, truth, exact);
        return 0;
    }

    /// <summary>
    /// For bench/million.sh: a vector of the built-in model for every paper of a PostgreSQL catalog, stored as the
    /// embedder would (current text hash and update stamp, so nothing is pending), since embedding a million papers
    /// takes ~23 hours here. A paper whose text is in the vector cache gets its real vector; any other (the derived
    /// copies) a point between a real paper and one of its 10 nearest real neighbours, as `ann`'s PAD=mix.
    /// </summary>
    public static async Task<int> SeedVectorsAsync(string connection)
    {
        const int dims = NeuralEmbedder.Dimensions;
        var model = NeuralEmbedder.ConfiguredModelName;
        var cache = VectorCache.ForModel(model, dims);
        var real = cache.All();
        if (real.Count < 100) { Console.Error.WriteLine("fewer than 100 cached vectors: run `embed` first"); return 2; }
        var clock = Stopwatch.StartNew();
        var neighbours = RealNeighbours(real, 10);
        Console.WriteLine($"{real.Count} real vectors and their neighbours in {clock.Elapsed.TotalSeconds:0} s");
        await using var source = new Npgsql.NpgsqlConnection(connection);
        await using var target = new Npgsql.NpgsqlConnection(connection);
        await source.OpenAsync();
        await target.OpenAsync();
        await using (var clear = new Npgsql.NpgsqlCommand("DELETE FROM paper_vectors WHERE model = @model", target))
        {
            clear.Parameters.AddWithValue("model", model);
            await clear.ExecuteNonQueryAsync();
        }
        // Stamped a batch of 64 at a time, an hour ago, as the embedder would have: a server follows the table from its
        // newest stamp, and one stamp shared by every row would make each poll read them all again.
        var since = DateTimeOffset.UtcNow.AddHours(-1);
        var (exact, mixed) = (0, 0);
        await using (var read = new Npgsql.NpgsqlCommand("SELECT id, title, abstract, updated_at FROM papers WHERE hidden = FALSE", source))
        await using (var reader = await read.ExecuteReaderAsync())
        await using (var copy = await target.BeginBinaryImportAsync(
            "COPY paper_vectors (paper_id, model, text_hash, seen_update, vector, embedded_at) FROM STDIN (FORMAT BINARY)"))
        {
            while (await reader.ReadAsync())
            {
                var id = reader.GetString(0);
                var hash = NeuralEmbedder.TextHash(NeuralEmbedder.PaperText(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
                var vector = cache.Get(hash);
                if (vector is not null) exact++;
                else
                {
                    mixed++;
                    var rng = new Random(BitConverter.ToInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)))); // the same point for a paper on every run
                    var i = rng.Next(real.Count);
                    var (a, b) = (real[i], real[neighbours[i][rng.Next(10)]]);
                    var w = 0.3f + 0.7f * (float)rng.NextDouble();
                    vector = new float[dims];
                    for (var d = 0; d < dims; d++)
                        vector[d] = w * a[d] + (1 - w) * b[d] + 0.2f / MathF.Sqrt(dims) * (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
                    VectorMath.Normalize(vector);
                }
                await copy.StartRowAsync();
                await copy.WriteAsync(id);
                await copy.WriteAsync(model);
                await copy.WriteAsync(hash);
                await copy.WriteAsync(reader.GetString(3));
                await copy.WriteAsync(NeuralEmbedder.ToBytes(vector));
                await copy.WriteAsync(StoredTime.Format(since.AddTicks((exact + mixed) / 64)));
                if ((exact + mixed) % 100_000 == 0) Console.Error.WriteLine($"  {exact + mixed} papers, {clock.Elapsed.TotalSeconds:0} s");
            }
            await copy.CompleteAsync();
        }
        Console.WriteLine($"seeded {exact + mixed} vectors ({exact} real from the cache, {mixed} between real neighbours) in {clock.Elapsed.TotalSeconds:0} s");
        return 0;
    }

    /// <summary>
    /// The site's own graph (<see cref="NeuralIndex"/>: batches, reserve ahead, keyed by id): its build rate from
    /// nothing, the save, a restart that loads the saved graph and re-adds nothing, and a start after a change of
    /// precision, which loads the old name's graph; recall through the site's path.
    /// </summary>
    static void SiteGraph(int rows, float[] flat, List<float[]> queries, List<List<string>> truth)
    {
        const int dims = NeuralEmbedder.Dimensions;
        var dir = Directory.CreateTempSubdirectory("paperboy-graph-");
        var (before, after) = (NeuralEmbedder.ModelName, NeuralEmbedder.ModelName + "-int8");
        try
        {
            foreach (var (start, model) in new[] { ("built from nothing", before), ("loaded from the saved graph", before), ("after a precision change", after) })
            {
                var path = SearchIndex.GraphPath(dir.FullName, model);
                var clock = Stopwatch.StartNew();
                using var index = new NeuralIndex(dims, graphFromRows: rows, graphPath: path, otherGraphPaths: SearchIndex.OtherNamesGraphs(dir.FullName, model));
                for (var r = 0; r < rows; r++) index.Set("p" + r, flat.AsSpan(r * dims, dims));
                var loaded = clock.Elapsed;
                while (index.GraphRows < index.Count) Thread.Sleep(20);
                var ready = clock.Elapsed - loaded;
                var recall = Enumerable.Range(0, queries.Count).Average(i => index.Nearest(queries[i], 10, null).Count(h => truth[i].Contains(h.Id)) / 10.0);
                Console.WriteLine($"site graph, {start}: {rows} rows set in {loaded.TotalSeconds:0.0} s, graph ready {ready.TotalSeconds:0.0} s later " +
                    $"({rows / ready.TotalSeconds:0} rows/s), {index.GraphRowsReused} reused; recall@10 {recall:0.000}");
                clock.Restart();
                while (!File.Exists(path + ".keys")) Thread.Sleep(20);
                while (SearchIndex.OtherNamesGraphs(dir.FullName, model).Count > 0 && clock.Elapsed.TotalSeconds < 10) Thread.Sleep(20); // the old graph goes right after the save
                Console.WriteLine($"  saved: {new FileInfo(path).Length / 1048576} MB graph + {new FileInfo(path + ".keys").Length / 1048576} MB keys; " +
                    $"graphs on disk: {string.Join(", ", Directory.EnumerateFiles(dir.FullName, "*.usearch").Select(Path.GetFileName))}");
            }
        }
        finally { dir.Delete(recursive: true); }
    }

    /// <summary>Each real vector's <paramref name="k"/> nearest other real vectors (exact).</summary>
    static int[][] RealNeighbours(List<float[]> real, int k) => real.AsParallel().AsOrdered().Select((v, i) =>
        real.Select((u, j) => (j, s: j == i ? float.MinValue : System.Numerics.Tensors.TensorPrimitives.Dot(v, u)))
            .OrderByDescending(x => x.s).Take(k).Select(x => x.j).ToArray()).ToArray();

    /// <summary>
    /// Recall on real vectors only, the honest check (noisy copies make neighbourhoods tighter than
    /// real papers have): the last 200 cached papers ask, the others are the rows. The site's path:
    /// the graph's candidates re-scored with the int8 codes, against the exact float top 10.
    /// </summary>
    static void HeldOut(List<float[]> real)
    {
        const int asking = 200;
        var rows = real.Take(real.Count - asking).ToList();
        var queries = real.Skip(rows.Count).ToList();
        using var index = new NeuralIndex(NeuralEmbedder.Dimensions, graphFromRows: 1);
        for (var r = 0; r < rows.Count; r++) index.Set("p" + r, rows[r]);
        var clock = Stopwatch.StartNew();
        while (index.GraphRows < index.Count) Thread.Sleep(50);
        var truth = queries.Select(q => rows.Select((v, r) => (Id: "p" + r, Score: System.Numerics.Tensors.TensorPrimitives.Dot(q, v)))
            .OrderByDescending(x => x.Score).Take(10).Select(x => x.Id).ToHashSet()).ToList();
        foreach (var take in new[] { 10, 100 })
        {
            var recall = queries.Select((q, i) => index.Nearest(q, take, null).Take(10).Count(h => truth[i].Contains(h.Id)) / 10.0).Average();
            Report($"held-out real: {rows.Count} rows, {asking} real queries, site path (top {take}): recall@10 {recall:0.000}",
                Measure(queries, q => index.Nearest(q, take, null)), null);
        }
        Console.WriteLine($"  (graph of {rows.Count} rows built in {clock.Elapsed.TotalSeconds:0.0} s)");
    }

    /// <summary>
    /// USearch's HNSW graph over the same rows (cosine, half-precision vectors, 16 links a node),
    /// built one row at a time as the embedder would add them. Asking for more than 10 neighbours
    /// widens the search (USearch explores max(expansion, count) candidates), which trades latency
    /// for recall; each width is reported.
    /// </summary>
    static void Hnsw(int rows, float[] flat, List<float[]> queries, List<List<string>> truth, List<double> exact)
    {
        const int dims = NeuralEmbedder.Dimensions;
        var expansionAdd = int.Parse(Environment.GetEnvironmentVariable("EXPANSION_ADD") ?? "64", CultureInfo.InvariantCulture);
        GC.Collect();
        var before = Process.GetCurrentProcess().WorkingSet64;
        var clock = Stopwatch.StartNew();
        using var hnsw = new Cloud.Unum.USearch.USearchIndex(Cloud.Unum.USearch.MetricKind.Cos, Cloud.Unum.USearch.ScalarKind.Float16,
            dims, connectivity: 16, expansionAdd: (ulong)expansionAdd, expansionSearch: 64);
        var batch = int.Parse(Environment.GetEnvironmentVariable("BATCH") ?? "1", CultureInfo.InvariantCulture);
        for (var r = 0; r < rows; r += batch)
        {
            var n = Math.Min(batch, rows - r);
            var keys = new ulong[n];
            var vectors = new float[n][];
            for (var i = 0; i < n; i++) { keys[i] = (ulong)(r + i); vectors[i] = flat.AsSpan((r + i) * dims, dims).ToArray(); }
            hnsw.Add(keys, vectors); // one capacity reservation per batch: the package's single Add reserves one more row each time
            if ((r + n) / 100_000 > r / 100_000) Console.Error.WriteLine($"  hnsw: {r + n} rows, {clock.Elapsed.TotalSeconds:0} s");
        }
        var built = clock.Elapsed;
        Console.WriteLine($"HNSW (USearch {Cloud.Unum.USearch.USearchCapabilities.Version()}, f16, M=16, expansion_add={expansionAdd}, {hnsw.HardwareAcceleration()}): " +
            $"built in {built.TotalSeconds:0} s ({rows / built.TotalSeconds:0} rows/s, one thread), working set +{(Process.GetCurrentProcess().WorkingSet64 - before) / 1048576} MB");
        foreach (var width in new[] { 10, 200, 500, 1000 })
        {
            List<string> Search(float[] q)
            {
                hnsw.Search(q, width, out var keys, out _);
                return keys.Take(10).Select(k => "p" + k).ToList();
            }
            var found = queries.Select(Search).ToList();
            var recall = Enumerable.Range(0, queries.Count).Average(i => found[i].Intersect(truth[i]).Count() / 10.0);
            Report($"HNSW, top {width} asked ({Math.Max(64, width)} explored): recall@10 {recall:0.000}", Measure(queries, Search), exact);
        }
    }

    public static async Task<int> LatencyAsync(string corpusDir)
    {
        var files = Directory.GetFiles(corpusDir, "*.jsonl.gz").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        var dir = Path.Combine(Path.GetTempPath(), "paperboy-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new PaperboyOptions { DataDir = dir };
            var database = Database.FromOptions(options);
            var clock = Stopwatch.StartNew();
            var summary = await new Importer(database).ImportAsync(files, "paperboy", TextWriter.Null);
            Console.WriteLine($"import: {summary.New} papers in {clock.Elapsed.TotalSeconds:0.0} s");

            using var index = new SearchIndex(database, options, new SearchSettings());
            GC.Collect();
            var before = GC.GetTotalMemory(true);
            clock.Restart();
            await index.RebuildAsync();
            var build = clock.Elapsed;
            GC.Collect();
            var after = GC.GetTotalMemory(true);
            Console.WriteLine($"index build (Lucene + LSA k={new SearchSettings().Dimensions} + vectors): {build.TotalSeconds:0.0} s for {index.Count} papers");
            Console.WriteLine($"managed heap held by the index: {(after - before) / 1048576.0:0} MB; process working set {Process.GetCurrentProcess().WorkingSet64 / 1048576.0:0} MB, peak {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MB");
            Console.WriteLine($"index on disk: {DirSize(Path.Combine(dir, "search")) / 1048576.0:0} MB");

            clock.Restart();
            using (var reopened = new SearchIndex(database, options, new SearchSettings())) await reopened.EnsureReadyAsync();
            Console.WriteLine($"open existing index: {clock.Elapsed.TotalMilliseconds:0} ms");

            var search = new PaperSearch(index, database);
            var queries = SampleQueries(database, 300);
            foreach (var q in queries.Take(30)) search.Rank(q, SearchMode.Hybrid, 20); // warm-up (JIT, caches)

            var raw = Measure(queries, q => RawLucene(index, q));
            Report("raw Lucene BM25 (one field, pre-analysed)", raw, null);
            Report("keyword (rank only)", Measure(queries, q => search.Rank(q, SearchMode.Keyword, 20)), raw);
            Report("semantic (rank only)", Measure(queries, q => search.Rank(q, SearchMode.Semantic, 20)), raw);
            Report("hybrid (rank only)", Measure(queries, q => search.Rank(q, SearchMode.Hybrid, 20)), raw);
            Report("hybrid + papers from SQLite + highlights (what a page gets)",
                Measure(queries, q => search.SearchAsync(new SearchRequest(q, WithHighlights: true)).GetAwaiter().GetResult()), raw);
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// The keyword list on an existing data directory (e.g. bench/million.sh's, with PAPERBOY_DATABASE for its
    /// PostgreSQL), one thread, over bench/queries.lua's 40 searches: time per search for each settings line
    /// (PAPERBOY_SEARCH_TUNE syntax), and how much of the first line's top 100 each other line keeps.
    /// </summary>
    public static async Task<int> KeywordAsync(string dataDir, string[] settingsList)
    {
        var lua = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "queries.lua"));
        var block = lua[lua.IndexOf('{', StringComparison.Ordinal)..lua.IndexOf('}', StringComparison.Ordinal)];
        var queries = System.Text.RegularExpressions.Regex.Matches(block, "\"([^\"]+)\"").Select(m => Paperboy.Search.ParsedQuery.Parse(m.Groups[1].Value)).ToList();
        var options = new PaperboyOptions { DataDir = dataDir, DatabaseUrl = Environment.GetEnvironmentVariable("PAPERBOY_DATABASE") };
        if (options.DatabaseUrl is null && !File.Exists(Path.Combine(dataDir, "paperboy.db")))
        {
            Console.Error.WriteLine($"{dataDir} holds no paperboy.db: give a data directory (`paperboy --data DIR import ...`), or PAPERBOY_DATABASE for PostgreSQL");
            return 2;
        }
        using var index = new SearchIndex(Database.FromOptions(options), options, new SearchSettings());
        await index.EnsureReadyAsync();
        using var snapshot = index.Acquire();
        Console.WriteLine($"{index.Count} papers, {queries.Count} searches, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        List<List<string>>? reference = null;
        foreach (var line in settingsList.DefaultIfEmpty(""))
        {
            Environment.SetEnvironmentVariable("PAPERBOY_SEARCH_TUNE", line.Replace(' ', ','));
            var ranking = new Ranking(SearchSettings.FromEnvironment());
            List<string> Run(Paperboy.Search.ParsedQuery q) =>
                ranking.Rank(snapshot, q, SearchMode.Keyword, SearchFilters.None, SearchSort.Relevance, 100).Select(r => r.Id).ToList();
            var lists = queries.Select(Run).ToList(); // warm-up, and the lists compared
            var times = new List<double>();
            var rounds = int.TryParse(Environment.GetEnvironmentVariable("ROUNDS"), out var r) ? r : 3;
            for (var round = 0; round < rounds; round++)
                foreach (var q in queries)
                {
                    var clock = Stopwatch.StartNew();
                    Run(q);
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }
            times.Sort();
            reference ??= lists;
            var kept = lists.Zip(reference, (a, b) => b.Count == 0 ? 1.0 : a.Intersect(b).Count() / (double)b.Count).Average();
            Report($"keyword [{line}] (top 100 kept {kept:P1})", times, null);
            if (Environment.GetEnvironmentVariable("EACH") is not null)
                foreach (var q in queries)
                {
                    var clock = Stopwatch.StartNew();
                    var n = Run(q).Count;
                    Console.WriteLine($"   {clock.Elapsed.TotalMilliseconds,7:0.00} ms  {n,4} hits  {q.FreeText}");
                }
        }
        return 0;
    }

    /// <summary>Merges a Lucene index directory (a search generation of a copied data directory) into one segment.</summary>
    public static int Merge(string luceneDir)
    {
        var clock = Stopwatch.StartNew();
        using var dir = Lucene.Net.Store.FSDirectory.Open(luceneDir);
        using (var reader = DirectoryReader.Open(dir)) Console.WriteLine($"{reader.Leaves.Count} segments, {reader.NumDocs} documents");
        using var writer = new IndexWriter(dir, new IndexWriterConfig(TextAnalysis.Version, TextAnalysis.English) { OpenMode = OpenMode.APPEND });
        writer.ForceMerge(1);
        writer.Commit();
        Console.WriteLine($"merged into one segment in {clock.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    /// <summary>The engine underneath with none of ours: a BM25 OR-query on the text field, top 20.</summary>
    static int RawLucene(SearchIndex index, string query)
    {
        using var s = index.Acquire();
        var bq = new BooleanQuery();
        foreach (var t in TextAnalysis.Terms(query).Distinct()) bq.Add(new TermQuery(new Term(Documents.Text, t)), Occur.SHOULD);
        return s.Searcher.Search(bq, 20).ScoreDocs.Length;
    }

    /// <summary>Realistic queries: 2–4 consecutive words from random titles (seeded, so runs compare).</summary>
    static List<string> SampleQueries(Database database, int count)
    {
        using var c = database.OpenAsync().GetAwaiter().GetResult();
        var titles = Dapper.SqlMapper.Query<string>(c, "SELECT title FROM papers").ToList();
        var random = new Random(2026);
        var result = new List<string>();
        while (result.Count < count)
        {
            var words = titles[random.Next(titles.Count)].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 4) continue;
            var len = random.Next(2, 5);
            var start = random.Next(0, words.Length - len);
            result.Add(string.Join(' ', words.Skip(start).Take(len)));
        }
        return result;
    }

    static List<double> Measure<TQuery, T>(List<TQuery> queries, Func<TQuery, T> run)
    {
        // One unmeasured pass first: JIT tiering and Lucene's lazily loaded term dictionaries would otherwise land in p99.
        foreach (var q in queries) run(q);
        var times = new List<double>(queries.Count);
        foreach (var q in queries)
        {
            var t = Stopwatch.GetTimestamp();
            run(q);
            times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        times.Sort();
        return times;
    }

    static void Report(string name, List<double> sorted, List<double>? baseline)
    {
        double P(List<double> s, double p) => s[Math.Min(s.Count - 1, (int)Math.Ceiling(p * s.Count) - 1)];
        var ratio = baseline is null ? "" : $"  ({P(sorted, 0.5) / P(baseline, 0.5):0.0}× raw at p50, {P(sorted, 0.99) / P(baseline, 0.99):0.0}× at p99)";
        Console.WriteLine($"{name,-60} p50 {P(sorted, 0.5),6:0.00} ms  p99 {P(sorted, 0.99),6:0.00} ms  mean {sorted.Average(),6:0.00} ms{ratio}");
    }

    static long DirSize(string dir) => Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    /// <summary>
    /// "Similar papers" against CACM's citation links (.X lines of kind 5: X cites Y, Y cites X):
    /// for every paper with at least one link, how well do its similar papers find the linked ones.
    /// </summary>
    public static async Task<int> SimilarAsync(string shared)
    {
        var links = CacmLinks(Path.Combine(shared, "cacm", "cacm.all"));
        var dir = Path.Combine(Path.GetTempPath(), "paperboy-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new PaperboyOptions { DataDir = dir };
            var database = Database.FromOptions(options);
            await new Importer(database).ImportAsync([Path.Combine(shared, "ir", "cacm", "docs.jsonl")], "paperboy", TextWriter.Null);
            using var embedder = NeuralEmbedder.FromEnvironment();
            foreach (var (name, settings, neural) in new[]
            {
                ("MiniLM neighbours + more-like-this, λ=0.5", new SearchSettings(), true),
                ("MiniLM neighbours + more-like-this, λ=0.3", new SearchSettings { SimilarNeuralWeight = 0.3f }, true),
                ("MiniLM neighbours + more-like-this, λ=0.7", new SearchSettings { SimilarNeuralWeight = 0.7f }, true),
                ("MiniLM neighbours only", new SearchSettings { SimilarSource = 1 }, true),
                ("LSA neighbours + more-like-this, λ=0.25 (before)", new SearchSettings(), false),
                ("LSA neighbours only", new SearchSettings { SimilarSource = 1 }, false),
                ("more-like-this only (BM25, 25 terms)", new SearchSettings { SimilarSource = 2 }, false),
            })
            {
                using var index = new SearchIndex(database, options, settings);
                await index.RebuildAsync();
                if (neural) await CachedEmbedding.FillAsync(database, embedder, index.Neural);
                var search = new PaperSearch(index, database);
                var qrels = links.ToDictionary(kv => kv.Key, kv => kv.Value.ToDictionary(id => id, _ => 1, StringComparer.Ordinal), StringComparer.Ordinal);
                var evaluation = new Evaluation(qrels);
                var scores = new List<Evaluation.Scores>();
                foreach (var id in links.Keys)
                {
                    var ranked = search.RankSimilar(id, 100).Select(r => r.Id).ToList();
                    if (evaluation.Score(id, ranked) is { } s) scores.Add(s);
                }
                Console.WriteLine($"{name,-50} {Evaluation.Mean(scores)}");
            }
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    /// <summary>CORPUS is a directory of .jsonl.gz files or one file; MIN_TOPICS 2 simulates members of several interests.</summary>
    public static async Task<int> RecommendAsync(string corpus, int members, int minTopics, string? only)
    {
        var files = File.Exists(corpus) ? [corpus] : Directory.GetFiles(corpus, "*.jsonl.gz").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        var dir = Path.Combine(Path.GetTempPath(), "paperboy-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new PaperboyOptions { DataDir = dir };
            var database = Database.FromOptions(options);
            await new Importer(database).ImportAsync(files, "paperboy", TextWriter.Null);
            using var index = new SearchIndex(database, options, new SearchSettings());
            await index.RebuildAsync();
            if (options.BuiltInEmbedder)
            {
                // Vectors from the cache (`embed` fills it), the missing ones embedded now.
                using var embedder = NeuralEmbedder.FromEnvironment();
                var embedded = await CachedEmbedding.FillAsync(database, embedder, index.Neural);
                Console.WriteLine($"MiniLM vectors: {index.Neural.Count} ({embedded} embedded now)");
            }
            var categories = await Paperboy.Recommendations.RecommendationEval.CategoriesAsync(database);
            using var snapshot = index.Acquire();
            // SEEDS=1,2,3 draws several sets of members (each seed its own table); seed 1 alone by default.
            var seeds = (Environment.GetEnvironmentVariable("SEEDS") ?? "1").Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture));
            foreach (var seed in seeds)
            {
                var simulated = Paperboy.Recommendations.RecommendationEval.Simulate(snapshot, categories, members, seed, minTopics);
                Console.WriteLine($"seed {seed}: {snapshot.Dense.Count} papers, {simulated.Count} simulated members, {simulated.Sum(m => m.Train.Count) / Math.Max(1, simulated.Count)} training likes and {simulated.Sum(m => m.HeldOut.Count) / Math.Max(1, simulated.Count)} held out each");
                Console.WriteLine($"{"method",-72} {"P@10",6} {"R@50",6} {"MRR",6} {"ms/member",9}");
                foreach (var m in Paperboy.Recommendations.RecommendationEval.Run(snapshot, simulated,
                    only: only is null ? null : name => only.Split(',').Any(o => name.StartsWith(o, StringComparison.OrdinalIgnoreCase))))
                    Console.WriteLine($"{m.Method,-72} {m.PrecisionAt10,6:0.000} {m.RecallAt50,6:0.000} {m.MeanReciprocalRank,6:0.000} {m.MillisecondsPerMember,9:0}");
            }
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Embeds every paper of the files with the built-in model into the vector cache (what eval and
    /// the other benchmarks then reuse) and reports the rate against the FLOP bound.
    /// PAPERBOY_EMBED_TOKENS sets the truncation.
    /// </summary>
    public static async Task<int> EmbedAsync(string[] files)
    {
        var dir = Path.Combine(Path.GetTempPath(), "paperboy-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var database = Database.FromOptions(new PaperboyOptions { DataDir = dir });
            await new Importer(database).ImportAsync(files, null, TextWriter.Null);
            List<(string Title, string? Abstract)> papers;
            await using (var c = await database.OpenAsync())
                papers = (await Dapper.SqlMapper.QueryAsync<(string, string?)>(c, "SELECT title, abstract FROM papers ORDER BY id")).ToList();
            using var embedder = NeuralEmbedder.FromEnvironment();
            var cache = VectorCache.ForModel(embedder.Model, NeuralEmbedder.Dimensions);
            var texts = papers.Select(p => NeuralEmbedder.PaperText(p.Title, p.Abstract)).Distinct(StringComparer.Ordinal)
                .Where(t => cache.Get(NeuralEmbedder.TextHash(t)) is null).ToList();
            Console.WriteLine($"{papers.Count} papers, {texts.Count} to embed with {embedder.Model}");
            var clock = Stopwatch.StartNew();
            long tokens = 0;
            for (var i = 0; i < texts.Count; i += 256)
            {
                var chunk = texts.Skip(i).Take(256).ToList();
                var vectors = embedder.Embed(chunk);
                cache.Add(chunk.Select((t, k) => (NeuralEmbedder.TextHash(t), vectors[k])).ToList());
                tokens += chunk.Sum(embedder.CountTokens);
                var secs = clock.Elapsed.TotalSeconds;
                Console.Error.Write($"\r{i + chunk.Count}/{texts.Count}: {(i + chunk.Count) / secs:0.0} docs/s, {tokens / secs:0} tokens/s   ");
            }
            var s = clock.Elapsed.TotalSeconds;
            Console.Error.WriteLine();
            // ~21.2 MFLOP per token in the six layers' matrix products (4·384² + 2·384·1536, ×2 per multiply-add, ×6).
            if (texts.Count > 0)
                Console.WriteLine($"embedded {texts.Count} in {s:0.0} s: {texts.Count / s:0.0} docs/s, {tokens / s:0} tokens/s, {tokens * 21.2e6 / s / 1e9:0.0} GFLOP/s in matrix products");
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Fusion settings against one collection (ir/NAME): the index and the model's vectors are built
    /// once, then every setting ("neural=0.4,lsa=0.1 ...", as PAPERBOY_SEARCH_TUNE) is ranked and scored.
    /// </summary>
    public static async Task<int> TuneAsync(string collectionDir, string[] settingsList)
    {
        var dir = Path.Combine(Path.GetTempPath(), "paperboy-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new PaperboyOptions { DataDir = dir };
            var database = Database.FromOptions(options);
            await new Importer(database).ImportAsync([Path.Combine(collectionDir, "docs.jsonl")], "paperboy", TextWriter.Null);
            using var index = new SearchIndex(database, options, new SearchSettings());
            await index.RebuildAsync();
            using var embedder = NeuralEmbedder.FromEnvironment();
            await CachedEmbedding.FillAsync(database, embedder, index.Neural);
            var evaluation = new Evaluation(Evaluation.ReadQrels(Path.Combine(collectionDir, "qrels.txt")));
            var queries = Evaluation.ReadQueries(Path.Combine(collectionDir, "queries.tsv"))
                .Select(q => (q.Id, Parsed: Paperboy.Search.ParsedQuery.Parse(q.Text))).ToList();
            var vectors = queries.ToDictionary(q => q.Id, q => embedder.EmbedQuery(q.Parsed.FreeText));
            using var snapshot = index.Acquire();
            foreach (var line in settingsList.DefaultIfEmpty(""))
            {
                Environment.SetEnvironmentVariable("PAPERBOY_SEARCH_TUNE", line.Replace(' ', ','));
                var settings = SearchSettings.FromEnvironment();
                var ranking = new Ranking(settings);
                foreach (var mode in new[] { SearchMode.Keyword, SearchMode.Semantic, SearchMode.Hybrid })
                {
                    var scores = new List<Evaluation.Scores>();
                    foreach (var (id, parsed) in queries)
                    {
                        var ranked = ranking.Rank(snapshot, parsed, mode, SearchFilters.None, SearchSort.Relevance, 1000,
                            line.Contains("nomodel", StringComparison.Ordinal) ? null : new SemanticQuery(index.Neural, vectors[id]));
                        if (evaluation.Score(id, ranked.Select(r => r.Id).ToList()) is { } sc) scores.Add(sc);
                    }
                    var mean = Evaluation.Mean(scores);
                    Console.WriteLine($"{Path.GetFileName(collectionDir.TrimEnd('/'))} {line,-40} {mode,-8} map={mean.Map:0.0000} ndcg@10={mean.Ndcg10:0.0000}");
                }
            }
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    static Dictionary<string, HashSet<string>> CacmLinks(string path)
    {
        var links = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        string? current = null;
        var inX = false;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(".I ", StringComparison.Ordinal)) { current = "cacm-" + line[3..].Trim(); inX = false; continue; }
            if (line.StartsWith('.')) { inX = line.StartsWith(".X", StringComparison.Ordinal); continue; }
            if (!inX || current is null) continue;
            var parts = line.Split('\t', ' ');
            var fields = parts.Where(p => p.Length > 0).ToArray();
            if (fields.Length < 3 || fields[1] != "5") continue;
            var other = "cacm-" + fields[0];
            if (other == current) continue;
            if (!links.TryGetValue(current, out var set)) links[current] = set = new(StringComparer.Ordinal);
            set.Add(other);
        }
        return links;
    }
}
