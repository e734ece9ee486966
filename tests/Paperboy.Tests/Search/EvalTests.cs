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
        // One import and one index for the four runs (only how they rank differs), as `paperboy eval` builds for one.
        // The fourth ranks as a catalog above 100,000 papers does: LSA re-scores the keyword and model candidates
        // instead of scanning every paper.
        var runs = await EvalCommand.RunAllAsync(docs, queries, qrels,
            [(SearchMode.Keyword, null), (SearchMode.Semantic, null), (SearchMode.Hybrid, null), (SearchMode.Hybrid, new SearchSettings { LsaScanUpTo = 0 })],
            CancellationToken.None, new SearchSettings());
        var (keyword, semantic, hybrid, rescoring) = (runs[0], runs[1], runs[2], runs[3]);
        Assert.True(keyword.Map >= plainBm25Map, $"keyword {keyword}");
        Assert.True(hybrid.Map >= hybridFloor, $"hybrid {hybrid}");
        Assert.True(hybrid.Map > keyword.Map + 0.03 && hybrid.Map > semantic.Map + 0.03, $"hybrid {hybrid} vs keyword {keyword} and model alone {semantic}");

        // Re-scoring must keep the quality of the scan (measured: ±0.001 MAP on both).
        Assert.True(rescoring.Map >= hybridFloor && Math.Abs(rescoring.Map - hybrid.Map) < 0.005, $"LSA re-scoring {rescoring} vs scanning {hybrid}");
    }
}
