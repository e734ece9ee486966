using Microsoft.Extensions.DependencyInjection;
using Paperboy.Search;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Search;

/// <summary>One running instance over a real month of arXiv (2,327 papers), shared by a test class.</summary>
public sealed class SearchFixture : IAsyncLifetime
{
    public static string CorpusFile => SharedData.Path("corpus-arxiv-daily", "arxiv-daily-2025-03.jsonl.gz");

    public TestInstance App { get; private set; } = null!;
    public PaperSearch Search => App.Services.GetRequiredService<PaperSearch>();

    public async Task InitializeAsync()
    {
        App = await TestInstance.StartAsync(CorpusFile);
        Assert.True(await Search.Index.WaitReadyAsync(TimeSpan.FromMinutes(2), CancellationToken.None), "index was not built");
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
