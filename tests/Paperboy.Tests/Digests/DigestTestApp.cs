using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Digests;
using Paperboy.Syndication;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Digests;

/// <summary>The catalog the email tests share, and the steps every test takes through the real app.</summary>
public static partial class DigestTestApp
{
    public const string PublicUrl = "https://papers.example.org/";
    public const string HostileTitle = "Hostile <script>alert(1)</script> ]]> \u0001<img src=x onerror=alert(2)> title";

    static readonly Lazy<string> Catalog = new(() =>
    {
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "paperboy-tests", "digest-fixture-" + Guid.NewGuid().ToString("N"))).FullName;
        var lines = new[]
        {
            new { id = "2511.00001", title = HostileTitle, @abstract = "An abstract with <b>markup</b> & ampersands.", authors = new[] { "Zoë Smith", "J. Doe" }, published = "2025-11-18", categories = new[] { "cs.LG" }, daily_date = "2025-11-20", upvotes = 12 },
            new { id = "2511.00002", title = "A plain paper", @abstract = "Plain.", authors = new[] { "J. Doe" }, published = "2025-11-18", categories = new[] { "cs.CL" }, daily_date = "2025-11-20", upvotes = 3 },
            new { id = "2511.00003", title = "The day before", @abstract = "Earlier.", authors = new[] { "A. Person" }, published = "2025-11-17", categories = new[] { "cs.CL" }, daily_date = "2025-11-19", upvotes = 7 },
        };
        var path = Path.Combine(dir, "catalog.jsonl");
        File.WriteAllLines(path, lines.Select(l => JsonSerializer.Serialize(l)));
        return path;
    });

    /// <summary>Thursday 2025-11-20 has two papers; the ISO week 2025-W47 (Nov 17–23) has three.</summary>
    public static string CatalogPath => Catalog.Value;

    public static DigestSettings Smtp(int port, bool background = false) => new()
    {
        SmtpHost = "127.0.0.1",
        SmtpPort = port,
        From = "Paperboy Test <digest@papers.example.org>",
        RunInBackground = background,
        RetryDelay = TimeSpan.FromMinutes(1),
    };

    public static Task<TestInstance> StartAsync(DigestSettings settings, string? engine = null) =>
        TestInstance.StartWithAsync(engine ?? TestInstance.DefaultEngine, Mailing(settings), CatalogPath);

    /// <summary>An app's mail settings (SMTP server, background sender on or off) with links on <see cref="PublicUrl"/>.</summary>
    public static Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> Mailing(DigestSettings settings) => builder =>
    {
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(new SiteUrl(new Uri(PublicUrl)));
    };

    public static async Task<HttpResponseMessage> SubscribeAsync(TestInstance app, string email, string frequency = "daily") =>
        await app.Client.PostAsJsonAsync("/api/subscriptions", new { email, frequency });

    /// <summary>Subscribes through the API, delivers the confirmation mail, and confirms through its link, as a reader would.</summary>
    public static async Task ConfirmedSubscriberAsync(TestInstance app, Maildev mail, string email, string frequency = "daily")
    {
        var response = await SubscribeAsync(app, email, frequency);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await app.Services.GetRequiredService<OutboxSender>().DeliverAsync();
        var received = await mail.WaitForAsync(email);
        var confirmation = received[received.Count - 1];
        var link = LinkIn(confirmation.GetProperty("text").GetString()!, "subscribe/confirm");
        var confirmed = await app.Client.PostAsync(link, null);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Contains("Subscription confirmed", await confirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The site-relative path and query of the first link to <paramref name="path"/> in a mail body.</summary>
    public static string LinkIn(string text, string path)
    {
        var match = Regex.Match(text, Regex.Escape(PublicUrl + path) + @"\?token=[A-Za-z0-9_-]+");
        Assert.True(match.Success, $"no {path} link in:\n{text}");
        return "/" + match.Value[PublicUrl.Length..];
    }

    /// <summary>The app's outbox sender on a clock of the test's own (a FakeTimeProvider it moves to make retries due); the rest of the app keeps the real one.</summary>
    public static OutboxSender OutboxSenderAt(IServiceProvider services, TimeProvider time) => ActivatorUtilities.CreateInstance<OutboxSender>(services, time);

    public static async Task<IReadOnlyList<OutboxRow>> OutboxAsync(TestInstance app) =>
        await app.Services.GetRequiredService<Outbox>().ListAsync(CancellationToken.None);

    public static async Task<string> StatusOfAsync(TestInstance app, string email)
    {
        await using var c = await app.Database.OpenAsync();
        return await c.ExecuteScalarAsync<string>("SELECT status FROM subscriptions WHERE email = @email", new { email }) ?? "none";
    }

    /// <summary>The environment for running the real binary against this instance and SMTP server.</summary>
    public static Dictionary<string, string?> CliEnvironment(int smtpPort) => new()
    {
        ["PAPERBOY_SMTP_HOST"] = "127.0.0.1",
        ["PAPERBOY_SMTP_PORT"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["PAPERBOY_SMTP_FROM"] = "Paperboy Test <digest@papers.example.org>",
        ["PAPERBOY_PUBLIC_URL"] = PublicUrl,
        ["PAPERBOY_TIMEZONE"] = null,
    };

    public static string[] CliArgs(TestInstance app, params string[] args) =>
        app.Options.DatabaseUrl is { } url ? [.. args, "--database", url] : args;
}
