using System.IO.Compression;
using System.Numerics.Tensors;
using System.Text.Json;
using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

/// <summary>
/// The model's side of the relevance floor, on real papers: nonsense with one real word in it stays under
/// <see cref="SearchSettings.SemanticFloor"/> even against the papers that share the word, while a real
/// question about those papers reaches it (the eval collections' figures are in docs/SEARCH.md).
/// </summary>
[Trait("Engine", "independent")] // opens no database: runs on the first engine only (.ci/run)
public sealed class ModelFloorTests
{
    [Fact]
    public void NonsenseStaysUnderTheFloorAgainstThePapersThatShareAWordAndARealQuestionReachesIt()
    {
        var papers = new List<string>();
        using (var file = new GZipStream(File.OpenRead(SearchFixture.CorpusFile), CompressionMode.Decompress))
        using (var reader = new StreamReader(file))
        {
            while (reader.ReadLine() is { } line && papers.Count < 16)
            {
                using var doc = JsonDocument.Parse(line);
                var text = doc.RootElement.GetProperty("title").GetString() + ". " + doc.RootElement.GetProperty("summary").GetString();
                if (text.Contains("robot", StringComparison.OrdinalIgnoreCase)) papers.Add(text);
            }
        }
        Assert.Equal(16, papers.Count);
        using var embedder = new NeuralEmbedder(threads: TestDefaults.EmbedThreads);
        var vectors = embedder.Embed(papers);
        double Best(string query)
        {
            var q = embedder.EmbedQuery(query);
            return vectors.Max(v => TensorPrimitives.CosineSimilarity(q, v));
        }
        var floor = new SearchSettings().SemanticFloor;
        foreach (var nonsense in new[] { "xyzzy robot banana lasagna", "xyzzy", "banana lasagna robot pizza" })
            Assert.True(Best(nonsense) < floor, $"“{nonsense}”: {Best(nonsense):0.000} against papers on robots, floor {floor}");
        Assert.True(Best("robot manipulation") >= floor, $"robot manipulation: {Best("robot manipulation"):0.000}");
    }
}
