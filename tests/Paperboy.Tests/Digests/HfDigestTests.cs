using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Syndication;
using Paperboy.Tests.Infrastructure;
using static Paperboy.Tests.Digests.DigestTestApp;

namespace Paperboy.Tests.Digests;

/// <summary>Digests over the real Hugging Face files of 2025-W47, checked against what the site itself shows.</summary>
public sealed class HfDigestTests(SharedMaildev maildev) : IClassFixture<SharedMaildev>, IAsyncLifetime
{
    Maildev _mail = null!;

    public async Task InitializeAsync() => _mail = await maildev.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task DigestsOfARealWeekListTheSamePapersInTheSameOrderAsTheSite()
    {
        var files = SharedData.Files("hf-daily-papers", "2025-11-*.json")
            .Where(f => string.CompareOrdinal(Path.GetFileName(f), "2025-11-17") > 0 && string.CompareOrdinal(Path.GetFileName(f), "2025-11-24") < 0).ToArray();
        Assert.Equal(5, files.Length);
        await using var app = await TestInstance.StartWithAsync(TestInstance.DefaultEngine, builder =>
        {
            builder.Services.AddSingleton(Smtp(_mail.SmtpPort));
            builder.Services.AddSingleton(new SiteUrl(new Uri(PublicUrl)));
        }, files);
        await ConfirmedSubscriberAsync(app, _mail, "daily@example.org");
        await ConfirmedSubscriberAsync(app, _mail, "weekly@example.org", "weekly");

        // Sunday 2025-11-23: the daily digest is Friday's list (no papers on the weekend), the weekly one is W47.
        var result = await PaperboyCli.RunAsync(app.DataDir, CliEnvironment(_mail.SmtpPort), CliArgs(app, "digest", "send", "--date", "2025-11-23"));
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("daily 2025-11-21:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("weekly 2025-W47:", result.Stdout, StringComparison.Ordinal);

        var daily = Assert.Single(await _mail.MessagesToAsync("daily@example.org"), m => m.GetProperty("subject").GetString()!.StartsWith("Paperboy daily", StringComparison.Ordinal));
        var trending = await app.Client.GetFromJsonAsync<JsonElement>("/api/daily_papers?date=2025-11-21&sort=trending&limit=30");
        Assert.Equal(Ids(trending), PaperIds(daily.GetProperty("text").GetString()!));

        var weekly = Assert.Single(await _mail.MessagesToAsync("weekly@example.org"), m => m.GetProperty("subject").GetString()!.StartsWith("Paperboy weekly", StringComparison.Ordinal));
        var feed = await app.Client.GetFromJsonAsync<JsonElement>("/feeds/week/2025-W47.json");
        var feedIds = feed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()![(PublicUrl.Length + "papers/".Length)..]).ToList();
        Assert.Equal(feedIds.Take(20).ToList(), PaperIds(weekly.GetProperty("text").GetString()!));
        Assert.Contains("more: " + PublicUrl + "papers/week/2025-W47", weekly.GetProperty("text").GetString()!, StringComparison.Ordinal);
    }

    static List<string> Ids(JsonElement items) => items.EnumerateArray().Select(i => i.GetProperty("paper").GetProperty("id").GetString()!).ToList();

    static List<string> PaperIds(string text) =>
        Regex.Matches(text, Regex.Escape(PublicUrl) + @"papers/([^\s/]+)\n").Select(m => m.Groups[1].Value).ToList();
}
