using System.Text.Json;
using System.Text.RegularExpressions;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

[RunsFor(33)]
public sealed class SearchCliTests
{
    [Fact]
    public async Task SearchJsonPrintsJsonLinesBestFirstAfterAnImport()
    {
        using var dir = new TempDir();
        var data = dir.File("data");
        // November 2025's Hugging Face papers (240): five processes each read them all, which a month of arXiv made ~35 s a pass.
        Assert.Equal(0, (await PaperboyCli.RunAsync(data, ["import", .. SharedData.Files("hf-daily-papers", "2025-11-*.json")])).ExitCode);
        var result = await PaperboyCli.RunAsync(data, "search", "video generation", "--limit", "7", "--json");
        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, lines.Length);
        var scores = lines.Select(l =>
        {
            using var json = JsonDocument.Parse(l);
            Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("id").GetString()));
            Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("title").GetString()));
            return json.RootElement.GetProperty("score").GetDouble();
        }).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);

        var similar = await PaperboyCli.RunAsync(data, "similar", "2511.17889", "--limit", "3", "--json");
        Assert.Equal(0, similar.ExitCode);
        Assert.Equal(3, similar.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var reindex = await PaperboyCli.RunAsync(data, "reindex");
        Assert.Equal(0, reindex.ExitCode);
        Assert.Matches(new Regex(@"reindexed 240 papers"), reindex.Stdout);
        // The live generation and the one before it (a running server may still read it); never more.
        Assert.Equal(0, (await PaperboyCli.RunAsync(data, "reindex")).ExitCode);
        var generations = Directory.GetDirectories(Path.Combine(data, "search")).Select(Path.GetFileName).ToList();
        Assert.Equal(2, generations.Count);
        Assert.Contains(File.ReadAllText(Path.Combine(data, "search", "CURRENT")).Trim(), generations);
    }

    [Theory]
    [InlineData("search", "x", "--mode", "fuzzy")]
    [InlineData("search", "x", "--limit", "0")]
    [InlineData("similar", "x", "--limit", "5000")]
    [InlineData("eval", "--docs", "/nonexistent/docs.jsonl", "--queries", "/nonexistent/q.tsv", "--qrels", "/nonexistent/qrels")]
    [InlineData("search", " ")] // printed nothing, exit 0
    // The queries and judgements swapped: "map=0.0000 … queries=0", exit 0.
    [InlineData("eval", "--docs", "{ir}/docs.jsonl", "--queries", "{ir}/qrels.txt", "--qrels", "{ir}/queries.tsv", "--mode", "keyword")]
    public async Task BadArgumentsExitWithTwo(params string[] args)
    {
        using var dir = new TempDir();
        var ir = SharedData.Path("ir", "cacm");
        var result = await PaperboyCli.RunAsync(dir.File("data"), [.. args.Select(a => a.Replace("{ir}", ir, StringComparison.Ordinal))]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("paperboy: ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvalPrintsOneLineOfMeasuresAndWritesATrecRun()
    {
        using var dir = new TempDir();
        var run = dir.File("run.txt");
        var ir = SharedData.Path("ir", "cranfield");
        var result = await PaperboyCli.RunAsync(dir.File("data"), "eval", "--docs", Path.Combine(ir, "docs.jsonl"),
            "--queries", Path.Combine(ir, "queries.tsv"), "--qrels", Path.Combine(ir, "qrels.txt"), "--mode", "keyword", "--run", run);
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(new Regex(@"^map=0\.\d{4} ndcg@10=0\.\d{4} p@10=0\.\d{4} r@100=0\.\d{4} mrr=0\.\d{4} queries=\d+\n$"), result.Stdout);
        var first = File.ReadLines(run).First().Split(' ');
        Assert.Equal(6, first.Length);
        Assert.Equal("Q0", first[1]);
        Assert.Equal("1", first[3]);
    }
}
