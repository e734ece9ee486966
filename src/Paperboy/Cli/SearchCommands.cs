using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Paperboy.Search;
using Paperboy.Storage;

namespace Paperboy.Cli;

/// <summary><c>paperboy search</c>, <c>paperboy similar</c> and <c>paperboy reindex</c> (SPEC §3, §6).</summary>
static class SearchCommands
{
    public static Command Search()
    {
        var query = new Argument<string>("query") { Description = "What to look for: words, \"exact phrases\", author:Name, or an arXiv id/URL" };
        var limit = new Option<int>("--limit") { Description = "How many results (1..1000)", DefaultValueFactory = _ => 10 };
        var mode = new Option<string>("--mode") { Description = "hybrid (default), keyword or semantic", DefaultValueFactory = _ => "hybrid" };
        var json = new Option<bool>("--json") { Description = "Print JSON Lines, best first: {\"id\",\"title\",\"score\"}" };
        var command = new Command("search", "Search the papers") { query, limit, mode, json };
        command.SetAction(async (result, ct) =>
        {
            var searchMode = ParseMode(result.GetValue(mode));
            var take = CheckLimit(result.GetValue(limit));
            if (string.IsNullOrWhiteSpace(result.GetValue(query))) throw new UsageException("search needs a query: words, \"a phrase\", author:Name or an arXiv id");
            using var index = await OpenAsync(result, ct);
            // Vectors from an external model are used when a running server has computed them for every paper.
            using var external = new ExternalEmbeddings(EmbeddingEndpoint.FromEnvironment(), CliApp.Options(result));
            using var embedder = NeuralEmbedder.FromEnvironment();
            var search = new PaperSearch(index, Database.FromOptions(CliApp.Options(result)), external.Configured ? external : null,
                CliApp.Options(result).BuiltInEmbedder ? embedder : null);
            var found = await search.SearchAsync(new SearchRequest(result.GetValue(query) ?? "", searchMode, Limit: take), ct);
            Print(found.Hits, result.GetValue(json));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Similar()
    {
        var id = new Argument<string>("id") { Description = "The paper's id" };
        var limit = new Option<int>("--limit") { Description = "How many results (1..1000)", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print JSON Lines, best first: {\"id\",\"title\",\"score\"}" };
        var command = new Command("similar", "Papers most like paper ID") { id, limit, json };
        command.SetAction(async (result, ct) =>
        {
            var take = CheckLimit(result.GetValue(limit));
            using var index = await OpenAsync(result, ct);
            var search = new PaperSearch(index, Database.FromOptions(CliApp.Options(result)));
            var paperId = result.GetValue(id) ?? "";
            var hits = await search.SimilarAsync(paperId, take, ct);
            if (hits is null)
            {
                Console.Error.WriteLine($"paperboy: no paper with id '{paperId}'");
                return ExitCodes.Failure;
            }
            Print(hits, result.GetValue(json));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Reindex()
    {
        var command = new Command("reindex", "Rebuild every derived index (search, embeddings) from the database");
        command.SetAction(async (result, ct) =>
        {
            var options = CliApp.Options(result);
            var database = CliApp.ExistingDatabase(result);
            using var index = new SearchIndex(database, options);
            var progress = new TerminalProgress();
            index.Progress = (stage, papers) => progress.Report(string.Create(CultureInfo.InvariantCulture, $"{stage}: {papers:N0} papers…"));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var count = await index.RebuildAsync(ct);
            progress.Clear();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reindexed {count} papers in {clock.Elapsed.TotalSeconds:0.0} s"));
            if (!options.BuiltInEmbedder) return ExitCodes.Ok;
            return await EmbedAsync(database, progress, ct);
        });
        return command;
    }

    /// <summary>
    /// Gives every paper without a current vector its vector, with a progress line. Each batch is
    /// committed, so Ctrl-C (or a kill) keeps what is done and the next run or a server goes on.
    /// A server that is embedding already holds the lease: then this leaves the work to it.
    /// </summary>
    static async Task<int> EmbedAsync(Database database, TerminalProgress progress, CancellationToken ct)
    {
        var store = new PaperVectors(database, TimeProvider.System);
        using var embedder = NeuralEmbedder.FromEnvironment();
        var embedding = new PaperEmbedding(store, embedder);
        var owner = PaperVectors.Owner("reindex");
        var (embedded, pending) = await store.CountsAsync(embedder.Model, ct);
        if (pending == 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{embedded:N0} papers have their {embedder.Model} vector"));
            await PruneAsync(store, embedder.Model, ct);
            return ExitCodes.Ok;
        }
        if (!await store.TryLeaseAsync(EmbeddingWorker.LeaseName, owner, EmbeddingWorker.LeaseLength, ct))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"a running server is embedding papers ({pending:N0} to go); search uses each vector as soon as it is stored"));
            return ExitCodes.Ok;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long done = 0;
        try
        {
            progress.Report(string.Create(CultureInfo.InvariantCulture, $"embedding papers with {embedder.Model}: 0 of {pending:N0}…"));
            while (true)
            {
                var batch = await embedding.EmbedBatchAsync(ct);
                if (batch == 0) break;
                done += batch;
                await store.TryLeaseAsync(EmbeddingWorker.LeaseName, owner, EmbeddingWorker.LeaseLength, ct);
                var rate = done / Math.Max(0.001, clock.Elapsed.TotalSeconds);
                var left = TimeSpan.FromSeconds(Math.Max(0, pending - done) / Math.Max(rate, 1e-9));
                progress.Report(string.Create(CultureInfo.InvariantCulture,
                    $"embedding papers: {TerminalProgress.Bar((double)done / pending)} {Math.Min(done, pending):N0} of {pending:N0}, {rate:0.0}/s, {Duration(left)} left"));
            }
        }
        finally
        {
            await store.ReleaseLeaseAsync(EmbeddingWorker.LeaseName, owner);
        }
        progress.Clear();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"embedded {done:N0} papers in {clock.Elapsed.TotalSeconds:0.0} s"));
        // Only once every paper has its vector: a run stopped midway leaves the old ones for search to use.
        if ((await store.CountsAsync(embedder.Model, ct)).Pending == 0) await PruneAsync(store, embedder.Model, ct);
        return ExitCodes.Ok;
    }

    /// <summary>Deletes the vectors of the model's other names (another precision or truncation) that nothing has written for a day.</summary>
    static async Task PruneAsync(PaperVectors store, string model, CancellationToken ct)
    {
        var (pruned, kept) = await store.PruneSupersededAsync(model, ct);
        foreach (var (old, deleted) in pruned)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"deleted {deleted:N0} vectors of {old}, replaced by {model}"));
        foreach (var (old, newest) in kept)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"kept the vectors of {old}: one was written at {Readable(newest)}, less than a day ago (another instance may still use them)"));
    }

    /// <summary>A stored time as a person reads it (to the minute, UTC); the stored text if it is not one.</summary>
    static string Readable(string stored) =>
        DateTimeOffset.TryParse(stored, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : stored;

    static string Duration(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes:00} min" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes} min" : $"{t.Seconds} s";

    static async Task<SearchIndex> OpenAsync(ParseResult result, CancellationToken ct)
    {
        var options = CliApp.Options(result);
        var settings = SearchSettings.FromEnvironment(); // a bad PAPERBOY_SEARCH_TUNE stops the command before the database is touched
        var database = CliApp.ExistingDatabase(result);
        await database.MigrateAsync(ct);
        var index = new SearchIndex(database, options, settings);
        try { await index.EnsureReadyAsync(ct); }
        catch { index.Dispose(); throw; }
        return index;
    }

    public static SearchMode ParseMode(string? text) => text switch
    {
        null or "" or "hybrid" => SearchMode.Hybrid,
        "keyword" => SearchMode.Keyword,
        "semantic" => SearchMode.Semantic,
        _ => throw new UsageException($"unknown mode '{text}'; expected hybrid, keyword or semantic"),
    };

    static int CheckLimit(int limit) =>
        limit is >= 1 and <= PaperSearch.MaxLimit ? limit : throw new UsageException($"--limit must be from 1 to {PaperSearch.MaxLimit}");

    static void Print(IReadOnlyList<SearchHit> hits, bool json)
    {
        foreach (var hit in hits)
        {
            Console.WriteLine(json
                ? JsonSerializer.Serialize(new { id = hit.Paper.Id, title = hit.Paper.Title, score = Math.Round(hit.Score, 6) })
                : string.Create(CultureInfo.InvariantCulture, $"{hit.Score,9:0.0000}  {hit.Paper.Id,-18} {hit.Paper.Title}"));
        }
    }
}
