using System.Numerics.Tensors;
using Paperboy.Search;

namespace Paperboy.Tests.Search;

/// <summary>
/// Latent semantic analysis on corpora small enough to know the answer: two topics whose papers
/// share no words across topics, and synonyms that never meet in one paper but share company.
/// </summary>
[Trait("Engine", "independent")] // opens no database: runs on the first engine only (.ci/run)
public sealed class LsaEmbedderTests
{
    static readonly string[][] Astronomy =
    [
        ["galaxy", "telescope", "redshift", "star"],
        ["galaxy", "star", "cluster", "telescope"],
        ["redshift", "cluster", "galaxy", "survey"],
        ["star", "survey", "telescope", "redshift"],
        ["galaxy", "survey", "star", "cluster"],
    ];

    static readonly string[][] Cooking =
    [
        ["recipe", "oven", "flour", "butter"],
        ["flour", "butter", "sugar", "recipe"],
        ["oven", "sugar", "bake", "flour"],
        ["bake", "butter", "recipe", "oven"],
        ["sugar", "bake", "flour", "oven"],
    ];

    static LsaEmbedder Train(params string[][][] topics) => Train(4, topics);

    static LsaEmbedder Train(int dimensions, params string[][][] topics) =>
        LsaEmbedder.Train([.. topics.SelectMany(t => t).Select(d => (IReadOnlyList<string>)d)], dimensions, seed: 7);

    static float Cosine(float[] a, float[] b) => TensorPrimitives.CosineSimilarity(a, b);

    [Fact]
    public void PapersOfOneTopicLieCloserToEachOtherThanToTheOtherTopic()
    {
        var lsa = Train(Astronomy, Cooking);

        var sky = lsa.Embed(["galaxy", "telescope"]);
        var skyToo = lsa.Embed(["redshift", "survey"]);
        var kitchen = lsa.Embed(["flour", "oven"]);

        Assert.True(Cosine(sky, skyToo) > 0.8f, $"same topic {Cosine(sky, skyToo)}");
        Assert.True(Cosine(sky, kitchen) < 0.3f, $"across topics {Cosine(sky, kitchen)}");
    }

    [Fact]
    public void WordsThatNeverMeetButShareCompanyComeOutSimilar()
    {
        // "nebula" and "quasar" never appear together; each appears only beside astronomy words. Two
        // dimensions, one per topic: the latent space keeps the topics and drops the word-level detail.
        var lsa = Train(2,
            [.. Astronomy, ["nebula", "galaxy", "telescope", "star"], ["nebula", "redshift", "survey", "cluster"],
                ["quasar", "galaxy", "star", "survey"], ["quasar", "telescope", "redshift", "cluster"]],
            Cooking);

        var synonyms = Cosine(lsa.Embed(["nebula"]), lsa.Embed(["quasar"]));
        var unrelated = Cosine(lsa.Embed(["nebula"]), lsa.Embed(["butter"]));
        Assert.True(synonyms > 0.8f, $"nebula~quasar {synonyms}");
        Assert.True(unrelated < 0.3f, $"nebula~butter {unrelated}");
    }

    [Fact]
    public void VectorsHaveUnitLengthAndUnknownWordsGiveTheZeroVector()
    {
        var lsa = Train(Astronomy, Cooking);

        var known = lsa.Embed(["galaxy", "flour", "galaxy"]);
        var unknown = lsa.Embed(["xyzzy", "plugh"]);

        Assert.Equal(4, known.Length);
        Assert.InRange(TensorPrimitives.Norm(known), 0.999f, 1.001f);
        Assert.All(unknown, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void AModelWrittenAndReadBackEmbedsExactlyAsBefore()
    {
        var lsa = Train(Astronomy, Cooking);
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) lsa.Write(w);
        buffer.Position = 0;
        using var r = new BinaryReader(buffer);

        var back = LsaEmbedder.Read(r);

        Assert.Equal(lsa.Embed(["star", "bake"]), back.Embed(["star", "bake"]));
        Assert.Equal(lsa.TrainedOn, back.TrainedOn);
    }

    [Fact]
    public void NormalizeScalesToUnitLengthAndLeavesAZeroVectorAtZero()
    {
        float[] v = [3, 4];
        float[] zero = [0, 0, 0];

        Assert.True(VectorMath.Normalize(v));
        Assert.False(VectorMath.Normalize(zero));

        Assert.Equal(0.6f, v[0], 5);
        Assert.Equal(0.8f, v[1], 5);
        Assert.All(zero, x => Assert.Equal(0f, x));
    }
}
