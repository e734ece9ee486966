using System.Numerics.Tensors;
using Paperboy.Search;

namespace Paperboy.Tests.Search;

/// <summary>
/// The quantised vector table: int8 codes must score and rank as the float vectors do.
/// </summary>
[Trait("Engine", "independent")] // opens no database: runs on the first engine only (.ci/run)
public sealed partial class NeuralIndexTests
{
    const int Dims = 384;

    /// <summary>Points around random topic centres, like papers around their fields; unit length.</summary>
    static List<float[]> Clustered(int count, int topics, float spread, int seed)
    {
        var rng = new Random(seed);
        var centres = Enumerable.Range(0, topics).Select(_ => Unit(Gaussian(rng))).ToList();
        return Enumerable.Range(0, count).Select(_ =>
        {
            var c = centres[rng.Next(topics)];
            var noise = Gaussian(rng);
            return Unit(c.Select((x, i) => x + spread * noise[i] / MathF.Sqrt(Dims)).ToArray());
        }).ToList();
    }

    static float[] Gaussian(Random rng) => Enumerable.Range(0, Dims)
        .Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))).ToArray();

    static float[] Unit(float[] v)
    {
        VectorMath.Normalize(v);
        return v;
    }

    static List<string> Exact(List<float[]> rows, float[] query, int k) => rows
        .Select((v, i) => (Id: "p" + i, Score: TensorPrimitives.Dot(v, query)))
        .OrderByDescending(x => x.Score).Take(k).Select(x => x.Id).ToList();

    [Fact]
    public void QuantisedScoresAreTheCosinesWithinAThousandth()
    {
        var rows = Clustered(500, 10, 1.5f, seed: 1);
        var index = new NeuralIndex(Dims);
        for (var i = 0; i < rows.Count; i++) index.Set("p" + i, rows[i]);
        var query = Clustered(1, 10, 1.5f, seed: 2)[0];

        var hits = index.Nearest(query, 50, null);

        Assert.Equal(50, hits.Count);
        foreach (var (id, score) in hits)
            Assert.InRange(score - TensorPrimitives.Dot(rows[int.Parse(id[1..])], query), -0.002f, 0.002f);
        // And the stored vector reads back close to what was written.
        var back = index.VectorOf("p7")!;
        Assert.True(TensorPrimitives.Dot(back, rows[7]) > 0.999f);
    }

    [Fact]
    public void TheQuantisedScanFindsTheExactTopTen()
    {
        var rows = Clustered(3000, 30, 2f, seed: 3);
        var index = new NeuralIndex(Dims);
        for (var i = 0; i < rows.Count; i++) index.Set("p" + i, rows[i]);
        var queries = Clustered(30, 30, 2f, seed: 4);

        var recall = queries.Average(q => index.Nearest(q, 10, null).Select(h => h.Id).Intersect(Exact(rows, q, 10)).Count() / 10.0);

        Assert.True(recall >= 0.98, $"recall@10 {recall:0.000}");
    }

    [Fact]
    public void AFilterAppliesBeforeTheTopIsCutSoAFilteredQueryStillFillsItsPage()
    {
        var rows = Clustered(2000, 20, 1.5f, seed: 5);
        var index = new NeuralIndex(Dims);
        for (var i = 0; i < rows.Count; i++) index.Set("p" + i, rows[i]);
        static bool Even(string id) => int.Parse(id[1..]) % 2 == 0;
        var query = Clustered(1, 20, 1.5f, seed: 6)[0];

        var filtered = index.Nearest(query, 10, Even);

        Assert.Equal(10, filtered.Count);
        Assert.All(filtered, h => Assert.True(Even(h.Id)));
        var exact = rows.Select((v, i) => (Id: "p" + i, Score: TensorPrimitives.Dot(v, query))).Where(x => Even(x.Id))
            .OrderByDescending(x => x.Score).Take(10).Select(x => x.Id);
        Assert.True(exact.Intersect(filtered.Select(h => h.Id)).Count() >= 9); // near-ties may swap at the edge
    }

    [Fact]
    public void AReplacedVectorIsFoundAtItsNewPlace()
    {
        var rows = Clustered(400, 8, 1.5f, seed: 7);
        var index = new NeuralIndex(Dims);
        for (var i = 0; i < rows.Count; i++) index.Set("p" + i, rows[i]);
        var target = Clustered(1, 1, 0f, seed: 99)[0]; // a direction no row is near
        Assert.DoesNotContain("p3", index.Nearest(target, 1, null).Select(h => h.Id));

        index.Set("p3", target);

        Assert.Equal(400, index.Count);
        Assert.Equal("p3", index.Nearest(target, 1, null).Single().Id);
    }
}
