using Paperboy.Recommendations;

namespace Paperboy.Tests.Recommendations;

/// <summary>The classifier behind "For you", on data small enough to know the right answer by looking.</summary>
[Trait("Engine", "independent")] // opens no database: runs on the first engine only (.ci/run)
public sealed class LinearSvmTests
{
    static Example Ex(int label, double cost, params (int Index, float Value)[] features) =>
        new([.. features.Select(f => f.Index)], [.. features.Select(f => f.Value)], label, cost);

    static double Score(float[] w, Example x) => w[^1] + x.Index.Select((index, k) => (double)w[index] * x.Value[k]).Sum();

    [Fact]
    public void SeparableExamplesAreAllClassifiedRightAndTheirFeaturesWeighedBySign()
    {
        // Feature 0 marks the positives, feature 1 the negatives, feature 2 is noise shared by all.
        var examples = new List<Example>();
        for (var i = 0; i < 5; i++) examples.Add(Ex(+1, 1, (0, 1), (2, 0.5f)));
        for (var i = 0; i < 20; i++) examples.Add(Ex(-1, 1, (1, 1), (2, 0.5f)));

        var w = LinearSvm.Train(examples, features: 3, c: 1);

        Assert.Equal(4, w.Length); // three weights and the bias
        Assert.All(examples, x => Assert.True(Math.Sign(Score(w, x)) == x.Label, $"score {Score(w, x)} for label {x.Label}"));
        Assert.True(w[0] > 0 && w[1] < 0, $"w = [{string.Join(", ", w)}]");
    }

    [Fact]
    public void OfTwoContradictingExamplesTheOneWithTheHigherCostWins()
    {
        // The same paper marked both ways; "not interested" weighs more, so it must decide.
        var liked = Ex(+1, 1, (0, 1));
        var dismissed = Ex(-1, 5, (0, 1));

        var w = LinearSvm.Train([liked, dismissed], features: 1, c: 1);

        Assert.True(Score(w, liked) < 0, $"score {Score(w, liked)}");
        Assert.True(Score(w, Ex(+1, 1, (0, 1))) < 0);
    }

    [Fact]
    public void TrainingIsRepeatableAndNoExamplesGiveZeroWeights()
    {
        var examples = new List<Example> { Ex(+1, 1, (0, 1), (1, 0.2f)), Ex(-1, 1, (1, 1)), Ex(-1, 1, (0, 0.1f), (1, 0.9f)) };
        Assert.Equal(LinearSvm.Train(examples, 2), LinearSvm.Train(examples, 2));
        Assert.Equal(new float[4], LinearSvm.Train([], 3));
    }

    [Theory]
    [InlineData(10, 90, 5.0, 100 / 180.0)]
    [InlineData(50, 50, 1.0, 1.0)]
    [InlineData(0, 10, 5.0, 0.5)] // no positives: no division by zero
    public void BalancedCostsGiveBothClassesTheSameTotalWeight(int positives, int negatives, double positive, double negative)
    {
        var (p, n) = LinearSvm.Balanced(positives, negatives);
        Assert.Equal(positive, p, 1e-9);
        Assert.Equal(negative, n, 1e-9);
    }
}
