using System.CommandLine;
using System.Globalization;
using Paperboy.Ingestion;
using Paperboy.Search;
using Paperboy.Storage;

namespace Paperboy.Cli;

/// <summary>
/// <c>paperboy eval</c> (SPEC §6): imports --docs into a fresh temporary data dir, runs every query
/// with limit 1000 and prints one line of trec_eval-style measures.
/// </summary>
static class EvalCommand
{
    public const int Depth = 1000;

    public static Command Build()
    {
        var docs = new Option<string>("--docs") { Description = "Documents (paperboy JSON Lines)", Required = true };
        var queries = new Option<string>("--queries") { Description = "Queries: TSV qid<TAB>text", Required = true };
        var qrels = new Option<string>("--qrels") { Description = "Judgements: TREC qrels (qid 0 docid grade)", Required = true };
        var mode = new Option<string>("--mode") { Description = "hybrid (default), keyword or semantic", DefaultValueFactory = _ => "hybrid" };
        var run = new Option<string?>("--run") { Description = "Write a TREC run file here" };
        var command = new Command("eval", "Measure search relevance on a test collection") { docs, queries, qrels, mode, run };
        command.SetAction(async (result, ct) =>
        {
            var searchMode = SearchCommands.ParseMode(result.GetValue(mode));
            string docsPath = result.GetValue(docs)!, queriesPath = result.GetValue(queries)!, qrelsPath = result.GetValue(qrels)!;
            foreach (var path in new[] { docsPath, queriesPath, qrelsPath })
            {
                try { using var _ = File.OpenRead(path); }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new UsageException($"{path}: cannot read: {ex.Message}");
                }
            }
            // Checked before the evaluation, which takes minutes in hybrid mode, rather than when the run is written.
            if (result.GetValue(run) is { } runPath) CliApp.CheckOutputFile(runPath);
            var progress = new TerminalProgress();
            var scores = await RunAsync(docsPath, queriesPath, qrelsPath, searchMode, result.GetValue(run), ct, progress: progress.Report);
            progress.Clear();
            Console.WriteLine(scores);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static async Task<Evaluation.Scores> RunAsync(string docsPath, string queriesPath, string qrelsPath, SearchMode mode,
        string? runPath, CancellationToken ct, SearchSettings? settings = null, Action<string>? progress = null) =>
        (await EvaluateAsync(docsPath, queriesPath, qrelsPath, settings, [(mode, settings)], runPath, progress, ct))[0];

    /// <summary>
    /// Several runs over one import and one index: each a mode and the settings it ranks with. The index is built with
    /// <paramref name="settings"/>, so only ranking settings may differ between runs (BM25's k1 and b, the LSA's
    /// dimensions and sample are the index's).
    /// </summary>
    public static Task<IReadOnlyList<Evaluation.Scores>> RunAllAsync(string docsPath, string queriesPath, string qrelsPath,
        IReadOnlyList<(SearchMode Mode, SearchSettings? Ranking)> runs, CancellationToken ct, SearchSettings? settings = null) =>
        EvaluateAsync(docsPath, queriesPath, qrelsPath, settings, runs, null, null, ct);

    static async Task<IReadOnlyList<Evaluation.Scores>> EvaluateAsync(string docsPath, string queriesPath, string qrelsPath, SearchSettings? settings,
        IReadOnlyList<(SearchMode Mode, SearchSettings? Ranking)> runs, string? runPath, Action<string>? progress, CancellationToken ct)
    {
        var qrels = Evaluation.ReadQrels(qrelsPath);
        var queryList = Evaluation.ReadQueries(queriesPath);
        // Files swapped or of another shape read as nothing: said before the import, not as "map=0.0000 … queries=0".
        if (queryList.Count == 0) throw new UsageException($"{queriesPath}: no queries (one `id<TAB>text` a line)");
        if (qrels.Count == 0) throw new UsageException($"{qrelsPath}: no relevance judgements (TREC qrels: `query-id 0 doc-id grade` a line)");
        if (!queryList.Any(q => qrels.ContainsKey(q.Id)))
            throw new UsageException($"none of the {queryList.Count:N0} queries in {queriesPath} has a judgement in {qrelsPath}");
        var evaluation = new Evaluation(qrels);
        var dir = Path.Combine(Path.GetTempPath(), "paperboy-eval-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new PaperboyOptions { DataDir = dir };
            var database = Database.FromOptions(options);
            var importer = new Importer(database)
            {
                Progress = progress is null ? null : (_, records) => progress(string.Create(CultureInfo.InvariantCulture, $"importing: {records:N0} documents…")),
            };
            var summary = await importer.ImportAsync([docsPath], "paperboy", TextWriter.Null, ct: ct);
            if (summary.New == 0) throw new UsageException($"{docsPath}: no documents could be imported");
            using var index = new SearchIndex(database, options, settings);
            if (progress is not null) index.Progress = (stage, papers) => progress(string.Create(CultureInfo.InvariantCulture, $"indexing, {stage}: {papers:N0} papers…"));
            await index.RebuildAsync(ct);
            using var embedder = NeuralEmbedder.FromEnvironment();
            if (runs.Any(r => r.Mode != SearchMode.Keyword))
                await CachedEmbedding.FillAsync(database, embedder, index.Neural,
                    progress is null ? null : (done, total) => progress(string.Create(CultureInfo.InvariantCulture, $"embedding: {done:N0} of {total:N0} documents…")), ct);
            var results = new List<Evaluation.Scores>();
            foreach (var (mode, ranking) in runs)
            {
                var search = new PaperSearch(index, database, embedder: embedder, ranking: ranking);
                var perQuery = new List<Evaluation.Scores>();
                await using var runFile = runPath is null ? null : new StreamWriter(runPath);
                var tag = "paperboy-" + mode.ToString().ToLowerInvariant();
                var done = 0;
                foreach (var (qid, text) in queryList)
                {
                    ct.ThrowIfCancellationRequested();
                    progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"queries: {++done:N0} of {queryList.Count:N0}…"));
                    var ranked = search.Rank(text, mode, Depth);
                    if (runFile is not null)
                    {
                        for (var i = 0; i < ranked.Count; i++)
                            await runFile.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{qid} Q0 {ranked[i].Id} {i + 1} {ranked[i].Score:0.######} {tag}"));
                    }
                    if (evaluation.Score(qid, ranked.Select(r => r.Id).ToList()) is { } s) perQuery.Add(s);
                }
                results.Add(Evaluation.Mean(perQuery));
            }
            return results;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
