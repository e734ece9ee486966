using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Groups;
using Paperboy.Members;
using Paperboy.Tests.Infrastructure;
using Paperboy.Webhooks;
using static Paperboy.Tests.Digests.DigestTestApp;

namespace Paperboy.Tests.Webhooks;

/// <summary>The digest test catalog served with webhooks on, members acting by API token, and the steps of a delivery.</summary>
public static class WebhookTestApp
{
    /// <summary>Webhook settings of a test: private addresses allowed (the receiver is on 127.0.0.1), delivery driven by the test.</summary>
    public static WebhookSettings Hooks(bool allowPrivate = true, bool background = false) => new()
    {
        AllowPrivate = allowPrivate,
        RunInBackground = background,
        Timeout = TimeSpan.FromSeconds(10),
        RetryDelay = TimeSpan.FromMinutes(1),
        PollInterval = TimeSpan.FromMilliseconds(100),
    };

    public static Task<TestInstance> StartAsync(WebhookSettings hooks, int smtpPort, bool mailInBackground = false) =>
        TestInstance.StartWithAsync(TestInstance.DefaultEngine, builder =>
        {
            Mailing(Smtp(smtpPort, mailInBackground))(builder);
            builder.Services.AddSingleton(hooks);
        }, CatalogPath);

    /// <summary>A member made through the real store, and an API client acting as them.</summary>
    public static async Task<(User User, HttpClient Client)> MemberAsync(TestInstance app, string email, bool admin = false)
    {
        var members = app.Services.GetRequiredService<MemberStore>();
        var (user, error) = await members.CreateAsync(email, null, "correct horse battery", admin);
        Assert.True(user is not null, error);
        var token = await members.CreateTokenAsync(user!, "test");
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return (user!, client);
    }

    public static async Task<Group> GroupAsync(TestInstance app, string slug, params User[] members)
    {
        var groups = app.Services.GetRequiredService<GroupStore>();
        var (group, error) = await groups.CreateAsync(slug, "The " + slug, null);
        Assert.True(group is not null, error);
        foreach (var m in members) await groups.AddAsync(group!, m);
        return group!;
    }

    public static Task<HttpResponseMessage> CreateAsync(HttpClient member, string url, string[]? events = null, string? group = null) =>
        member.PostAsJsonAsync("/api/webhooks", new { url, events = events ?? ["digest"], group });

    /// <summary>Creates a hook that must be accepted; returns its id and secret.</summary>
    public static async Task<(long Id, string Secret)> CreatedAsync(HttpClient member, string url, string[]? events = null, string? group = null)
    {
        var response = await CreateAsync(member, url, events, group);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        using var json = JsonDocument.Parse(text);
        return (json.RootElement.GetProperty("id").GetInt64(), json.RootElement.GetProperty("secret").GetString()!);
    }

    public static async Task<JsonElement> ListAsync(HttpClient member)
    {
        var response = await member.GetAsync("/api/webhooks");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>The digest job's run for Thursday 2025-11-20 (two papers on the list), as the scheduler or the CLI would run it.</summary>
    public static Task<Paperboy.Digests.DigestRunReport> RunDigestAsync(TestInstance app, string day = "2025-11-20") =>
        app.Services.GetRequiredService<Paperboy.Digests.DigestRun>().RunAsync(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), default);

    public static WebhookSender Sender(TestInstance app) => app.Services.GetRequiredService<WebhookSender>();

    /// <summary>A webhook sender like the app's on a clock of the test's own (a FakeTimeProvider it moves to make retries due). Dispose it.</summary>
    public static WebhookSender SenderAt(TestInstance app, TimeProvider time) => ActivatorUtilities.CreateInstance<WebhookSender>(app.Services, time);

    public static async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(TestInstance app, long hookId) =>
        await app.Services.GetRequiredService<WebhookDeliveries>().OfHookAsync(hookId);
}
