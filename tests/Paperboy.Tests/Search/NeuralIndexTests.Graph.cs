using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

/// <summary>
/// From a threshold of rows on, the table asks USearch's HNSW graph for candidates (the real native
/// library from the package): it must answer as the scan does, see rows added or moved since it was
/// built, and leave a filter that passes few papers to the scan. The threshold is lowered here from
/// 100,000 so that the graph builds in a second. The points vary around their topic along a few
/// directions of its own, as sentence embeddings do (their intrinsic dimension is far below 384): a
/// graph, unlike a scan, needs neighbourhoods to walk, and noise spread over all 384 dimensions has none.
/// </summary>
public sealed partial class NeuralIndexTests
{
    const int GraphFrom = 2_000;
    const float Spread = 1f;

    static async Task<NeuralIndex> WithGraphAsync(List<float[]> rows)
    {
        var index = new NeuralIndex(Dims, graphFromRows: GraphFrom);
        for (var i = 0; i < rows.Count; i++) index.Set("p" + i, rows[i]);
        Assert.True(await Eventually.TrueAsync(() => index.GraphRows == index.Count), $"graph has {index.GraphRows} of {index.Count} rows");
        return index;
    }

    /// <summary>Points around topic centres, each topic varying along 12 random directions of its own; unit length.</summary>
    static List<float[]> Topics(int count, int topics, int seed)
    {
        var rng = new Random(seed);
        var centres = Enumerable.Range(0, topics).Select(_ => (Centre: Unit(Gaussian(rng)), Axes: Enumerable.Range(0, 12).Select(_ => Unit(Gaussian(rng))).ToList())).ToList();
        return Enumerable.Range(0, count).Select(_ =>
        {
            var (centre, axes) = centres[rng.Next(topics)];
            var v = (float[])centre.Clone();
            foreach (var axis in axes)
            {
                var w = (float)(Spread / Math.Sqrt(axes.Count) * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
                for (var i = 0; i < Dims; i++) v[i] += w * axis[i];
            }
            return Unit(v);
        }).ToList();
    }

    static float[] Near(float[] row, int seed)
    {
        var noise = Gaussian(new Random(seed));
        return Unit(row.Select((x, i) => x + 0.3f * noise[i] / MathF.Sqrt(Dims)).ToArray());
    }

    static NeuralIndex ScanOnly(List<float[]> rows)
    {
        var index = new NeuralIndex(Dims, graphFromRows: int.MaxValue);
        for (var i = 0; i < rows.Count; i++) index.Set("p" + i, rows[i]);
        return index;
    }

    [Fact]
    public async Task BelowTheThresholdNoGraphIsBuiltAndAboveItTheGraphFindsTheScansTopTenWithItsScores()
    {
        var rows = Topics(6_000, 60, seed: 11);
        using var small = new NeuralIndex(Dims, graphFromRows: GraphFrom);
        for (var i = 0; i < GraphFrom - 1; i++) small.Set("p" + i, rows[i]);
        Assert.Equal(0, small.GraphRows);

        using var graph = await WithGraphAsync(rows);
        using var scan = ScanOnly(rows);
        var queries = Topics(100, 60, seed: 12);

        var recall = queries.Average(q =>
        {
            var fromGraph = graph.Nearest(q, 10, null);
            var fromScan = scan.Nearest(q, 10, null).ToDictionary(h => h.Id, h => h.Score);
            // The codes re-score the graph's candidates: a paper found both ways has the scan's score exactly.
            foreach (var (id, score) in fromGraph)
                if (fromScan.TryGetValue(id, out var scanned)) Assert.Equal(scanned, score);
            return fromGraph.Count(h => fromScan.ContainsKey(h.Id)) / 10.0;
        });
        Assert.True(recall >= 0.95, $"recall@10 {recall:0.000}");
    }

    [Fact]
    public async Task RowsAddedOrReplacedAfterTheGraphWasBuiltAreFound()
    {
        var rows = Topics(3_000, 30, seed: 13);
        using var index = await WithGraphAsync(rows);
        // Near other papers (a new paper joins a field), yet its own vector is nearest to itself.
        var (added, moved) = (Near(rows[10], seed: 98), Near(rows[2_000], seed: 97));

        index.Set("new", added);
        index.Set("p5", moved);

        // A new row at once (it is scanned until the graph has it), and still once the graph has it.
        Assert.Equal("new", index.Nearest(added, 1, null).Single().Id);
        Assert.True(await Eventually.TrueAsync(() => index.GraphRows == 3_001));
        Assert.Equal("new", index.Nearest(added, 1, null).Single().Id);
        // A replaced vector moves in the graph when the builder gets to it (until then the paper is found near its old text).
        Assert.True(await Eventually.TrueAsync(() => index.Nearest(moved, 1, null).Single().Id == "p5"));
        Assert.Equal(3_001, index.Count);
    }

    [Fact]
    public async Task AFilterThatPassesFewPapersIsFilledByTheScanBehindTheGraph()
    {
        var rows = Topics(4_000, 40, seed: 14);
        using var index = await WithGraphAsync(rows);
        using var scan = ScanOnly(rows);
        static bool Rare(string id) => int.Parse(id[1..]) % 13 == 0; // 308 of 4,000: too few among the graph's candidates to fill 20
        var query = Topics(1, 40, seed: 15)[0];

        var filtered = index.Nearest(query, 20, Rare);

        Assert.Equal(20, filtered.Count);
        Assert.Equal(scan.Nearest(query, 20, Rare).Select(h => h.Id), filtered.Select(h => h.Id));
    }

    [Fact]
    public async Task AfterAPrecisionChangeTheGraphOfTheModelsOtherNameIsLoadedThenSavedUnderTheNewNameInItsPlace()
    {
        using var dir = new TempDir();
        var (floatGraph, int8Graph) = (SearchIndex.GraphPath(dir.Path, "all-MiniLM-L6-v2"), SearchIndex.GraphPath(dir.Path, "all-MiniLM-L6-v2-int8"));
        var rows = Topics(3_000, 30, seed: 18);
        using (var before = new NeuralIndex(Dims, graphFromRows: rows.Count, graphPath: floatGraph))
        {
            for (var i = 0; i < rows.Count; i++) before.Set("p" + i, rows[i]);
            Assert.True(await Eventually.TrueAsync(() => File.Exists(floatGraph + ".keys")), "the graph was not saved");
        }

        // The upgraded start: no graph under the new name; the old name's vectors load first, one paper already re-embedded.
        var others = SearchIndex.OtherNamesGraphs(dir.Path, "all-MiniLM-L6-v2-int8");
        Assert.Equal([floatGraph], others);
        var reembedded = Near(rows[1_234], seed: 93);
        using var after = new NeuralIndex(Dims, graphFromRows: GraphFrom, graphPath: int8Graph, otherGraphPaths: others);
        for (var i = 0; i < rows.Count; i++) after.Set("p" + i, i == 1_234 ? reembedded : rows[i]);
        Assert.True(await Eventually.TrueAsync(() => after.GraphRows == after.Count), $"graph has {after.GraphRows} of {after.Count} rows");

        Assert.Equal(2_999, after.GraphRowsReused);
        Assert.Equal("p1234", after.Nearest(reembedded, 1, null).Single().Id);
        Assert.True(await Eventually.TrueAsync(() => File.Exists(int8Graph + ".keys") && !File.Exists(floatGraph)), "the graph was not saved under the new name");
        Assert.False(File.Exists(floatGraph + ".keys"));
    }

    [Fact]
    public void OnlyTheBuiltInModelsOtherNamesGraphsAreStartedFrom()
    {
        using var dir = new TempDir();
        string[] names = ["all-MiniLM-L6-v2", "all-MiniLM-L6-v2@128", "all-MiniLM-L6-v2-int8", "snowflake-arctic-embed-xs", "all-MiniLM-L12-v2"];
        foreach (var name in names) File.WriteAllText(SearchIndex.GraphPath(dir.Path, name), "");
        Assert.Equal([SearchIndex.GraphPath(dir.Path, "all-MiniLM-L6-v2"), SearchIndex.GraphPath(dir.Path, "all-MiniLM-L6-v2@128")],
            SearchIndex.OtherNamesGraphs(dir.Path, "all-MiniLM-L6-v2-int8"));
        Assert.Empty(SearchIndex.OtherNamesGraphs(Path.Combine(dir.Path, "none"), "all-MiniLM-L6-v2-int8"));
    }

    [Fact]
    public async Task ASavedGraphIsLoadedOnTheNextStartAndOnlyPapersWhoseVectorChangedOrThatAreNewAreAdded()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "graph.usearch");
        var rows = Topics(3_000, 30, seed: 16);
        // The builder starts at the last row, so the first save holds every row.
        using (var first = new NeuralIndex(Dims, graphFromRows: rows.Count, graphPath: path))
        {
            for (var i = 0; i < rows.Count; i++) first.Set("p" + i, rows[i]);
            Assert.True(await Eventually.TrueAsync(() => File.Exists(path + ".keys")), "the graph was not saved");
            Assert.Equal(0, first.GraphRowsReused);
        }

        // The next start reads the vectors in another order (rows are numbered as they arrive), one of them replaced, one paper new.
        var (moved, added) = (Near(rows[2_500], seed: 95), Near(rows[20], seed: 94));
        using var second = new NeuralIndex(Dims, graphFromRows: GraphFrom, graphPath: path);
        for (var i = rows.Count - 1; i >= 0; i--) second.Set("p" + i, i == 7 ? moved : rows[i]);
        second.Set("new", added);
        Assert.True(await Eventually.TrueAsync(() => second.GraphRows == second.Count), $"graph has {second.GraphRows} of {second.Count} rows");

        Assert.Equal(2_999, second.GraphRowsReused);
        Assert.Equal("p7", second.Nearest(moved, 1, null).Single().Id);
        Assert.Equal("new", second.Nearest(added, 1, null).Single().Id);
        using var scan = ScanOnly(rows);
        var recall = Topics(50, 30, seed: 17).Average(q =>
        {
            var expected = scan.Nearest(q, 10, null).Select(h => h.Id).Where(id => id != "p7").ToHashSet();
            return second.Nearest(q, 10, null).Count(h => expected.Contains(h.Id)) / (double)expected.Count;
        });
        Assert.True(recall >= 0.95, $"recall@10 {recall:0.000}");
    }

    [Fact]
    public async Task AnUnreadableSavedGraphIsBuiltAgainAndReplacedByAGoodOne()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "graph.usearch");
        await File.WriteAllTextAsync(path, "not a graph");
        await File.WriteAllTextAsync(path + ".keys", "not keys either");
        var rows = Topics(2_500, 25, seed: 18);

        using (var index = new NeuralIndex(Dims, graphFromRows: rows.Count, graphPath: path))
        {
            for (var i = 0; i < rows.Count; i++) index.Set("p" + i, rows[i]);
            Assert.True(await Eventually.TrueAsync(() => index.GraphRows == index.Count));
            Assert.Equal(0, index.GraphRowsReused);
            Assert.Equal("p42", index.Nearest(rows[42], 1, null).Single().Id);
            // The keys file is written last, so once it is whole the graph is too.
            Assert.True(await Eventually.TrueAsync(() => new FileInfo(path + ".keys") is { Exists: true, Length: > 1_000 }), "the broken graph was not replaced");
        }

        using var again = new NeuralIndex(Dims, graphFromRows: GraphFrom, graphPath: path);
        for (var i = 0; i < rows.Count; i++) again.Set("p" + i, rows[i]);
        Assert.True(await Eventually.TrueAsync(() => again.GraphRows == again.Count));
        Assert.Equal(rows.Count, again.GraphRowsReused);
    }

    [Fact]
    public void TheGraphGrowsItsRoomAQuarterAtATimeNotOneRowAtATimeAsThePackageWould()
    {
        using var graph = AnnGraph.TryCreate(Dims, out var failure) ?? throw new InvalidOperationException(failure);
        var rows = Topics(3, 1, seed: 19);

        graph.Set([(1UL, rows[0])]);
        Assert.True(graph.Capacity >= 1_024, $"room for {graph.Capacity} rows after the first");
        graph.Set([(2UL, rows[1]), (3UL, rows[2])]);
        Assert.Equal([2UL, 1UL, 3UL], graph.Nearest(rows[1], 3).Take(1).Concat(graph.Nearest(rows[0], 1)).Concat(graph.Nearest(rows[2], 1)));
    }

    [Fact]
    public async Task SixteenSearchesAtOnceOnABuiltAndOnALoadedGraphAllAnswerFromTheGraph()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "graph.usearch");
        var rows = Topics(3_000, 30, seed: 20);
        var queries = Topics(32, 30, seed: 21);
        foreach (var start in new[] { "built", "loaded" })
        {
            using var index = new NeuralIndex(Dims, graphFromRows: rows.Count, graphPath: path);
            for (var i = 0; i < rows.Count; i++) index.Set("p" + i, rows[i]);
            Assert.True(await Eventually.TrueAsync(() => index.GraphRows == index.Count && File.Exists(path + ".keys")), start);
            // Deep lists (2,000 candidates asked of the graph), so that each search lasts long enough to overlap.
            var expected = queries.Select(q => index.Nearest(q, 1_000, null).Take(10).Select(h => h.Id).ToList()).ToList();

            // More threads than USearch has search contexts (one per core), started together and preempted mid-search.
            var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
            using var ready = new Barrier(16);
            var threads = Enumerable.Range(0, 16).Select(t => new Thread(() =>
            {
                ready.SignalAndWait();
                for (var n = 0; n < 10; n++)
                {
                    var k = (t + n) % queries.Count;
                    var found = index.Nearest(queries[k], 1_000, null).Take(10).Select(h => h.Id).ToList();
                    if (!found.SequenceEqual(expected[k])) failures.Add($"{start}: query {k}");
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.Empty(failures);
            Assert.Equal(index.Count, index.GraphRows); // a failed search would have dropped the graph for the scan
        }
    }

    [Fact]
    public void AGraphDisposedBeforeItsSaveWritesNothing()
    {
        // A server stopping during the first build: a keys file without its graph would be trusted at the next start.
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "graph.usearch");
        var graph = AnnGraph.TryCreate(Dims, out var failure) ?? throw new InvalidOperationException(failure);
        graph.Set([(1UL, Topics(1, 1, seed: 22)[0])]);
        Assert.True(graph.Save(path));
        File.Delete(path);

        graph.Dispose();

        Assert.False(graph.Save(path));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
