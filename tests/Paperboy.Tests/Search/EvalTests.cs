using Paperboy.Cli;
using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

/// <summary>
/// The quality bars, measured with the real eval on the real collections: keyword matches plain BM25,
/// and hybrid (BM25 + the built-in neural model + LSA) beats keyword and the model alone by a margin,
/// at floors a little under what docs/SEARCH.md records. The model's vectors of both collections
/// are computed once per machine (<see cref="VectorCache"/>).
/// </summary>
[Trait("Engine", "independent")] // opens no database: runs on the first engine only (.ci/run)
[RunsFor(30)]
public sealed class EvalTests
{
    [Theory]
    [InlineData("cacm", 0.281, 0.375)]
    [InlineData("cranfield", 0.293, 0.370)]
    public async Task KeywordMatchesPlainBm25AndHybridBeatsKeywordAndTheModelAlone(string collection, double plainBm25Map, double hybridFloor)
    {
        var dir = SharedData.Path("ir", collection);
        string docs = Path.Combine(dir, "docs.jsonl"), queries = Path.Combine(dir, "queries.tsv"), qrels = Path.Combine(dir, "qrels.txt");
        var keyword = await EvalCommand.RunAsync(docs, queries, qrels, SearchMode.Keyword, null, CancellationToken.None, new SearchSettings());
        var semantic = await EvalCommand.RunAsync(docs, queries, qrels, SearchMode.Semantic, null, CancellationToken.None, new SearchSettings());
        var hybrid = await EvalCommand.RunAsync(docs, queries, qrels, SearchMode.Hybrid, null, CancellationToken.None, new SearchSettings());
        Assert.True(keyword.Map >= plainBm25Map, $"keyword {keyword}");
        Assert.True(hybrid.Map >= hybridFloor, $"hybrid {hybrid}");
        Assert.True(hybrid.Map > keyword.Map + 0.03 && hybrid.Map > semantic.Map + 0.03, $"hybrid {hybrid} vs keyword {keyword} and model alone {semantic}");

        // As a catalog above 100,000 papers ranks: LSA re-scores the keyword and model candidates instead of scanning
        // every paper. It must keep the quality (measured: ±0.001 MAP on both).
        var rescoring = await EvalCommand.RunAsync(docs, queries, qrels, SearchMode.Hybrid, null, CancellationToken.None, new SearchSettings { LsaScanUpTo = 0 });
        Assert.True(rescoring.Map >= hybridFloor && Math.Abs(rescoring.Map - hybrid.Map) < 0.005, $"LSA re-scoring {rescoring} vs scanning {hybrid}");
    }
}
