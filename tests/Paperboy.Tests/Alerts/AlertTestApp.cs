using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Digests;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;
using static Paperboy.Tests.Digests.DigestTestApp;

namespace Paperboy.Tests.Alerts;

/// <summary>Members in a browser (cookies, form tokens, no JavaScript) on the digest test catalog, and papers that arrive later.</summary>
public static class AlertTestApp
{
    /// <summary>A browser that keeps cookies and follows no redirect, on <paramref name="app"/>.</summary>
    public static Browser NewBrowser(TestInstance app)
    {
        var cookies = new CookieContainer();
        return new Browser(new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress }, cookies);
    }

    public static async Task<Browser> MemberAsync(TestInstance app, string email, string name)
    {
        var browser = NewBrowser(app);
        await browser.RegisterAsync(email, name);
        return browser;
    }

    /// <summary>Subscribes from /settings, delivers the confirmation and opens its link: the subscription is now the member's.</summary>
    public static async Task TiedSubscriberAsync(TestInstance app, Digests.Maildev mail, Browser member, string email, string frequency = "daily")
    {
        var response = await member.SubmitAsync("/settings", "/settings/digest", ("action", "subscribe"), ("frequency", frequency));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/settings?digest=sent#digest", response.Headers.Location!.OriginalString);
        await app.Services.GetRequiredService<OutboxSender>().DeliverAsync();
        var received = await mail.WaitForAsync(email);
        var confirmation = received[received.Count - 1];
        var confirmed = await app.Client.PostAsync(LinkIn(confirmation.GetProperty("text").GetString()!, "subscribe/confirm"), null);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
    }

    /// <summary>Saves a search from the /search page's own form, with its filters; returns the new id.</summary>
    public static Task<long> SaveSearchAsync(TestInstance app, Browser member, string query, params (string Name, string Value)[] filters) =>
        SaveSearchFromAsync(app, member, "/search?q=" + Uri.EscapeDataString(query) + string.Concat(filters.Select(f => $"&{f.Name}={Uri.EscapeDataString(f.Value)}")), query, filters);

    /// <summary>Like <see cref="SaveSearchAsync"/>, with the form token of another of the member's pages.</summary>
    public static async Task<long> SaveSearchFromAsync(TestInstance app, Browser member, string page, string query, params (string Name, string Value)[] filters)
    {
        var fields = new[] { ("q", query) }.Concat(filters).ToArray();
        var response = await member.SubmitAsync(page, "/searches", fields);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/settings?searches=saved#saved-search-", location, StringComparison.Ordinal);
        return long.Parse(location[(location.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task SetDeliveryAsync(Browser member, long id, string name, string delivery)
    {
        var response = await member.SubmitAsync("/settings", $"/settings/searches/{id}", ("name", name), ("delivery", delivery));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>
    /// Imports papers "added" some minutes ago, and moves the saved searches' watermarks back an hour,
    /// so the papers count as new and are past the settle time a real run waits for.
    /// </summary>
    public static async Task AddPapersAsync(TestInstance app, params object[] papers)
    {
        await using (var old = await app.Database.OpenAsync())
            await old.ExecuteAsync("UPDATE papers SET created_at = @twoHoursAgo", new { twoHoursAgo = Storage.StoredTime.Format(DateTimeOffset.UtcNow.AddHours(-2)) });
        using var dir = new TempDir();
        var path = dir.Write("new.jsonl", string.Join('\n', papers.Select(p => JsonSerializer.Serialize(p))) + "\n");
        await app.ImportAsync(path);
        var ids = papers.Select(p => (string)p.GetType().GetProperty("id")!.GetValue(p)!).ToArray();
        await using var c = await app.Database.OpenAsync();
        var tenMinutesAgo = Storage.StoredTime.Format(DateTimeOffset.UtcNow.AddMinutes(-10));
        foreach (var id in ids)
            await c.ExecuteAsync("UPDATE papers SET created_at = @tenMinutesAgo WHERE id = @id", new { tenMinutesAgo, id });
        await c.ExecuteAsync("UPDATE saved_searches SET alerted_until = @hourAgo WHERE window_key IS NULL",
            new { hourAgo = Storage.StoredTime.Format(DateTimeOffset.UtcNow.AddHours(-1)) });
        // The server's indexer would apply them within seconds; a test need not wait for its poll.
        await app.Services.GetRequiredService<Paperboy.Search.SearchIndex>().EnsureReadyAsync();
    }
}
