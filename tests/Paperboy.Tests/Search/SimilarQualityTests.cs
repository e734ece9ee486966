using Paperboy.Ingestion;
using Paperboy.Search;
using Paperboy.Storage;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

/// <summary>"Similar papers" measured against CACM's citation links (cacm.all .X lines of kind 5).</summary>
[Trait("Engine", "independent")] // ranking quality over the index: the engine only stores the papers (~100 s a pass)
[RunsFor(26)]
public sealed class SimilarQualityTests
{
    [Fact]
    public async Task FusingModelNeighboursWithMoreLikeThisFindsCitedPapersBetterThanEitherAloneOrLsa()
    {
        var links = CacmLinks(SharedData.Path("cacm", "cacm.all"));
        using var dir = new TempDir();
        var options = TestEngine.Options(dir.File("data"));
        var database = Database.FromOptions(options);
        await new Importer(database).ImportAsync([SharedData.Path("ir", "cacm", "docs.jsonl")], "paperboy", TextWriter.Null);
        var evaluation = new Evaluation(links.ToDictionary(kv => kv.Key, kv => kv.Value.ToDictionary(id => id, _ => 1)));

        // One index for the four measures, which differ only in how they rank: LSA's neighbours first, before the
        // model's vectors are there, then the model's, more-like-this's and their fusion.
        using var index = new SearchIndex(database, options, new SearchSettings());
        await index.RebuildAsync();
        double Map(SearchSettings ranking)
        {
            var search = new PaperSearch(index, database, ranking: ranking);
            var scores = links.Keys.Select(id => evaluation.Score(id, search.RankSimilar(id, 100).Select(r => r.Id).ToList())).OfType<Evaluation.Scores>().ToList();
            return Evaluation.Mean(scores).Map;
        }

        var lsa = Map(new SearchSettings());
        using (var embedder = new NeuralEmbedder(threads: TestDefaults.EmbedThreads)) await CachedEmbedding.FillAsync(database, embedder, index.Neural);
        var fused = Map(new SearchSettings());
        var dense = Map(new SearchSettings { SimilarSource = 1 });
        var moreLikeThis = Map(new SearchSettings { SimilarSource = 2 });
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.True(fused > dense && fused > moreLikeThis, $"fused {fused:0.0000}, model alone {dense:0.0000}, more-like-this {moreLikeThis:0.0000}");
        Assert.True(fused > lsa + 0.02, $"fused {fused:0.0000}, with LSA instead of the model {lsa:0.0000}");
        Assert.True(fused > 0.30, $"fused {fused:0.0000}");
    }

    static Dictionary<string, HashSet<string>> CacmLinks(string path)
    {
        var links = new Dictionary<string, HashSet<string>>();
        string? current = null;
        var inLinks = false;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(".I ", StringComparison.Ordinal)) { current = "cacm-" + line[3..].Trim(); inLinks = false; continue; }
            if (line.StartsWith('.')) { inLinks = line.StartsWith(".X", StringComparison.Ordinal); continue; }
            var fields = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (!inLinks || current is null || fields.Length < 3 || fields[1] != "5") continue;
            var other = "cacm-" + fields[0];
            if (other == current) continue;
            if (!links.TryGetValue(current, out var set)) links[current] = set = [];
            set.Add(other);
        }
        return links;
    }
}
