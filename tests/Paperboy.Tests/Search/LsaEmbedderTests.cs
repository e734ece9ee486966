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
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(40, 40)]
    [InlineData(208, 60)] // a small catalog's Gram matrix: k + 16 columns, rank of its few papers
    public void TheEigenDecompositionReconstructsItsMatrixWithOrthonormalVectors(int n, int rank)
    {
        // A Gram matrix, as LSA makes: BᵀB for a rank×n B (symmetric, positive semi-definite, n − rank zero eigenvalues).
        var rng = new Random(n * 31 + rank);
        var b = new double[rank * n];
        for (var i = 0; i < b.Length; i++) b[i] = rng.NextDouble() * 2 - 1;
        var a = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                for (var r = 0; r < rank; r++) a[i * n + j] += b[r * n + i] * b[r * n + j];

        var (values, vectors) = LsaEmbedder.SymmetricEigen(a, n);

        var scale = values.Max(Math.Abs);
        for (var j = 0; j < n; j++)
        {
            // A v = λ v, column by column.
            for (var i = 0; i < n; i++)
            {
                double av = 0;
                for (var k = 0; k < n; k++) av += a[i * n + k] * vectors[k * n + j];
                Assert.True(Math.Abs(av - values[j] * vectors[i * n + j]) < 1e-9 * scale, $"column {j}, row {i}: {av} vs {values[j] * vectors[i * n + j]}");
            }
            // Orthonormal columns.
            for (var j2 = j; j2 < n; j2++)
            {
                double dot = 0;
                for (var k = 0; k < n; k++) dot += vectors[k * n + j] * vectors[k * n + j2];
                Assert.True(Math.Abs(dot - (j == j2 ? 1 : 0)) < 1e-9, $"columns {j} and {j2}: {dot}");
            }
        }
        Assert.Equal(n - rank, values.Count(v => Math.Abs(v) < 1e-9 * scale));
        Assert.All(values, v => Assert.True(v > -1e-9 * scale, $"negative eigenvalue {v} of a Gram matrix"));
    }
}
