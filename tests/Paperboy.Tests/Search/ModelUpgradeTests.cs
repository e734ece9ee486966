using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paperboy.Members;
using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

/// <summary>
/// An upgrade that changes the name the built-in model's vectors are stored under (float → int8, another
/// truncation) on the engine under test: search keeps using the old vectors until each paper has its new one,
/// and the old ones are deleted once nothing needs them.
/// </summary>
[RunsFor(18)]
public sealed class ModelUpgradeTests
{
    /// <summary>The model as the package ships it: what an instance stored before int8 became the default.</summary>
    const string Float = NeuralEmbedder.ModelName;

    const string ElsewhereOwner = "another-host:1:serve";

    /// <summary>Stores every imported paper's vector under <paramref name="model"/>, as written at <paramref name="at"/>.</summary>
    static async Task StoreAsync(TestInstance instance, string model, DateTimeOffset at, Func<IReadOnlyList<string>, float[][]> embed)
    {
        var store = new PaperVectors(instance.Database, new FakeTimeProvider(at));
        var papers = await store.PendingAsync(model, 10_000);
        var texts = papers.Select(p => NeuralEmbedder.PaperText(p.Title, p.Abstract)).ToList();
        var vectors = embed(texts);
        await store.SaveAsync(model, papers.Select((p, i) => (p, NeuralEmbedder.TextHash(texts[i]), (float[]?)vectors[i])).ToList());
    }

    [Fact]
    public async Task AfterAnUpgradeSearchRanksByMeaningWithTheOldVectorsUntilEachPaperHasItsNewOneThenTheOldAreDeleted()
    {
        var twoDaysAgo = DateTimeOffset.UtcNow.AddDays(-2);
        await using var app = await TestInstance.StartEmbeddingAsync(TestInstance.DefaultEngine, async instance =>
        {
            // Two days ago, an instance with the float model embedded every paper...
            using var floatModel = new NeuralEmbedder(threads: TestDefaults.EmbedThreads, quantized: false);
            await StoreAsync(instance, Float, twoDaysAgo, texts => floatModel.Embed(texts));
            // ...and now another instance holds the embedding lease, so the new vectors wait until the test lets go.
            Assert.True(await new PaperVectors(instance.Database, TimeProvider.System).TryLeaseAsync(EmbeddingWorker.LeaseName, ElsewhereOwner, TimeSpan.FromHours(1)));
        }, SharedData.ThreeHfDays);
        var embedding = app.Services.GetRequiredService<PaperEmbedding>();
        Assert.Equal("all-MiniLM-L6-v2-int8", embedding.Model);
        var status = await embedding.StatusAsync();
        Assert.Equal(0L, status.Embedded);
        Assert.Equal([Float], status.Superseded);

        // Not one int8 vector yet, and every paper takes part in search by meaning, with its float vector.
        var coverage = await Eventually.ReturnsAsync(async () =>
            (await app.Client.GetAsync("/api/papers/search?q=robots")).Headers.GetValues("X-Paperboy-Semantic-Coverage").Single(), c => c == "1");
        Assert.Equal("1", coverage);
        Assert.Contains("2511.17889", await SemanticTopAsync(app));
        Assert.Equal(0L, (await embedding.StatusAsync()).Embedded);

        // The admin page says what the old vectors are for.
        var members = app.Services.GetRequiredService<MemberStore>();
        var (admin, _) = await members.CreateAsync("admin@example.org", null, "a long and unusual passphrase 42", true);
        using var operator_ = new HttpClient { BaseAddress = app.BaseAddress };
        operator_.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await members.CreateTokenAsync(admin!, "test"));
        var page = Dom.Parse(await operator_.GetStringAsync("/admin"));
        Assert.Contains($"to go. Also stored: the vectors of {Float}, which search uses", page.One("#embedding").CleanText(), StringComparison.Ordinal);

        // The other instance lets go: this one embeds every paper in int8, then deletes the float vectors (two days old).
        var store = app.Services.GetRequiredService<PaperVectors>();
        await store.ReleaseLeaseAsync(EmbeddingWorker.LeaseName, ElsewhereOwner);
        var done = await Eventually.ReturnsAsync(() => embedding.StatusAsync(), s => s.Pending == 0 && s.Superseded.Count == 0, TimeSpan.FromMinutes(5));
        Assert.Equal((0L, 0), (done.Pending, done.Superseded.Count));
        Assert.True(done.Embedded >= 25, $"{done.Embedded} papers embedded");
        Assert.Empty(await store.SupersededAsync(embedding.Model));
        // Search ranks by meaning as before, now with the int8 vectors alone.
        Assert.Contains("2511.17889", await SemanticTopAsync(app));
        Assert.False(Dom.Parse(await operator_.GetStringAsync("/admin")).Has("#embedding .superseded"));
    }

    /// <summary>By meaning alone: a question about robots in words the mobile-robots paper does not use.</summary>
    static async Task<List<string?>> SemanticTopAsync(TestInstance app)
    {
        var response = await app.Client.GetAsync("/api/papers/search?q=embodied+agents+acting+in+the+real+world&mode=semantic&limit=3");
        Assert.Equal("semantic", response.Headers.GetValues("X-Paperboy-Ranking").Single());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray()
            .Select(e => e.GetProperty("paper").GetProperty("id").GetString()).ToList();
    }

    [Fact]
    public async Task ReindexDeletesOnlyTheOldVectorsNothingHasWrittenForADayOnceEveryPaperHasItsNewOne()
    {
        var now = DateTimeOffset.UtcNow;
        var random = new Random(3);
        float[][] Noise(IReadOnlyList<string> texts) =>
            texts.Select(_ => Enumerable.Range(0, NeuralEmbedder.Dimensions).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        await using var app = await TestInstance.StartAfterAsync(TestInstance.DefaultEngine, async instance =>
        {
            await instance.ImportAsync(SharedData.ThreeHfDays[0]);
            await StoreAsync(instance, Float, now.AddDays(-3), Noise); // superseded long ago
            await StoreAsync(instance, "all-MiniLM-L6-v2-int8@128", now.AddHours(-2), Noise); // another instance's, written two hours ago
            await StoreAsync(instance, "some-other-model", now.AddDays(-30), Noise); // not the built-in model: another space
        });
        var store = app.Services.GetRequiredService<PaperVectors>();
        var papers = (await store.CountsAsync(Float)).Embedded;
        Assert.True(papers >= 10, $"{papers} papers");
        Assert.Equal([(Float, StoredTimeOf(now.AddDays(-3))), ("all-MiniLM-L6-v2-int8@128", StoredTimeOf(now.AddHours(-2)))],
            await store.SupersededAsync("all-MiniLM-L6-v2-int8"));

        var environment = new Dictionary<string, string?>(app.CliEnvironment) { ["PAPERBOY_EMBEDDER"] = "builtin" };
        var reindex = await PaperboyCli.RunAsync(app.DataDir, environment, "reindex");
        Assert.Equal(0, reindex.ExitCode);
        Assert.Contains($"embedded {papers} papers", reindex.Stdout, StringComparison.Ordinal);
        Assert.Contains($"deleted {papers} vectors of {Float}, replaced by all-MiniLM-L6-v2-int8", reindex.Stdout, StringComparison.Ordinal);
        Assert.Contains($"kept the vectors of all-MiniLM-L6-v2-int8@128: one was written at {now.AddHours(-2).UtcDateTime:yyyy-MM-dd HH:mm} UTC, less than a day ago",
            reindex.Stdout, StringComparison.Ordinal);

        Assert.Equal((0L, papers), await store.CountsAsync(Float));
        Assert.Equal(papers, (await store.CountsAsync("all-MiniLM-L6-v2-int8@128")).Embedded);
        Assert.Equal(papers, (await store.CountsAsync("some-other-model")).Embedded);
        Assert.Equal((papers, 0L), await store.CountsAsync("all-MiniLM-L6-v2-int8"));
    }

    static string StoredTimeOf(DateTimeOffset at) => Paperboy.Storage.StoredTime.Format(at);
}
