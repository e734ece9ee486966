namespace Paperboy.Tests.Infrastructure;

/// <summary>One running instance with all 84 real Hugging Face daily files imported, shared by a test class.</summary>
public sealed class HfDailyInstance : IAsyncLifetime
{
    public TestInstance App { get; private set; } = null!;

    public async Task InitializeAsync() =>
        App = await TestInstance.StartAsync(SharedData.Files("hf-daily-papers", "*.json"));

    public async Task DisposeAsync() => await App.DisposeAsync();
}
