using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

/// <summary>
/// A site's first start builds its search index from the database. Keyword search answers from the
/// first second, and says it is keyword-only; similar papers and ranking by meaning join when the build
/// is done. The build is held at its embedder stage (through its progress callback), so nothing here
/// depends on how fast the machine is.
/// </summary>
public sealed class FirstBuildTests
{
    static readonly string Day = SharedData.Path("hf-daily-papers", "2025-11-20.json");

    [Fact]
    public async Task KeywordSearchAnswersWhileTheFirstBuildTrainsItsEmbedder()
    {
        using var release = new ManualResetEventSlim(false);
        var training = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestInstance.StartIndexingAsync(index => index.Progress = (stage, _) =>
        {
            if (stage != "training the embedder") return;
            training.TrySetResult();
            release.Wait(TimeSpan.FromMinutes(2)); // the build's own thread waits here until the test lets it go
        }, Day);
        try
        {
            await training.Task.WaitAsync(TimeSpan.FromMinutes(2));
            var index = app.Services.GetRequiredService<SearchIndex>();
            Assert.True(index.IsSearchable);
            Assert.False(index.IsReady);

            // Any paper of the day, found by the words of its title.
            using var day = JsonDocument.Parse(await File.ReadAllTextAsync(Day));
            var paper = day.RootElement[0].GetProperty("paper");
            var id = paper.GetProperty("id").GetString()!;
            var query = Uri.EscapeDataString(paper.GetProperty("title").GetString()!);

            var api = await app.Client.GetAsync($"/api/papers/search?q={query}");
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
            Assert.Equal("keyword-only", api.Headers.GetValues("X-Paperboy-Ranking").Single());
            using (var hits = JsonDocument.Parse(await api.Content.ReadAsStringAsync()))
                Assert.Equal(id, hits.RootElement[0].GetProperty("paper").GetProperty("id").GetString());

            var page = await app.Client.GetAsync($"/search?q={query}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("Keyword matches only, for a moment", html, StringComparison.Ordinal);
            Assert.Contains($"/papers/{id}", html, StringComparison.Ordinal);

            // The paper page does not wait for similar papers: it is shown without them.
            Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/papers/{id}")).StatusCode);

            release.Set();
            Assert.True(await index.WaitReadyAsync(TimeSpan.FromMinutes(2), CancellationToken.None));
            Assert.Null(index.Building);
            Assert.DoesNotContain("Keyword matches only, for a moment", await app.Client.GetStringAsync($"/search?q={query}"), StringComparison.Ordinal);
        }
        finally { release.Set(); }
    }
}
