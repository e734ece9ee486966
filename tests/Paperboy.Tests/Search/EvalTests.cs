using Paperboy.Cli;
using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

/// <summary>The quality bars of issue 3, measured with the real eval on the real collections.</summary>
[Trait("Engine", "independent")] // opens no database: runs on the first engine only (.ci/run)
public sealed class EvalTests
{
    [Theory]
    [InlineData("cacm", 0.281)]
    [InlineData("cranfield", 0.293)]
    public async Task KeywordMatchesPlainBm25AndHybridBeatsKeyword(string collection, double plainBm25Map)
    {
        var dir = SharedData.Path("ir", collection);
        string docs = Path.Combine(dir, "docs.jsonl"), queries = Path.Combine(dir, "queries.tsv"), qrels = Path.Combine(dir, "qrels.txt");
        var keyword = await EvalCommand.RunAsync(docs, queries, qrels, SearchMode.Keyword, null, CancellationToken.None, new SearchSettings());
        var hybrid = await EvalCommand.RunAsync(docs, queries, qrels, SearchMode.Hybrid, null, CancellationToken.None, new SearchSettings());
        Assert.True(keyword.Map >= plainBm25Map, $"keyword {keyword}");
        Assert.True(hybrid.Map > keyword.Map, $"hybrid {hybrid} vs keyword {keyword}");
    }
}
