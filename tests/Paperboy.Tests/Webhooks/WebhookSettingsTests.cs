using System.Text.Json;
using Dapper;
using Microsoft.Playwright;
using Paperboy.Tests.Feed;
using Paperboy.Tests.Infrastructure;
using static Paperboy.Tests.Webhooks.WebhookTestApp;

namespace Paperboy.Tests.Webhooks;

/// <summary>The webhooks section of /settings in a real browser (Chromium through Playwright), and the member's data export.</summary>
public sealed class WebhookSettingsTests : IAsyncLifetime
{
    WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    [Trait("Engine", "browser")] // in a browser: the hooks' steps are tested over HTTP on both engines (WebhookApiTests)
    public async Task AMemberAddsAHookSeesItsSecretOnceResumesItWhenPausedAndRemovesIt()
    {
        await using var app = await StartAsync(Hooks(), smtpPort: 9);
        var (ada, _) = await MemberAsync(app, "ada@example.org");
        await using var browser = await BrowserSession.LaunchAsync();
        string Url(string path) => new Uri(app.BaseAddress, path).ToString();
        var page = await browser.NewPageAsync(1280, 900);
        await page.GotoAsync(Url("/login"));
        await page.FillAsync("#email", "ada@example.org");
        await page.FillAsync("#password", "correct horse battery");
        await page.ClickAsync("button:has-text('Sign in')");
        await page.Locator("#member-nav .member-name").WaitForAsync(new() { Timeout = 10000 });

        await page.GotoAsync(Url("/settings#webhooks"));
        Assert.Contains("No webhooks yet.", await page.Locator("#webhooks").InnerTextAsync(), StringComparison.Ordinal);
        await page.FillAsync("#webhook-url", _receiver.Url);
        await page.CheckAsync("input[name=alerts]");
        await page.ClickAsync("button:has-text('Add webhook')");
        await page.Locator("h1", new() { HasText = "Webhook added" }).WaitForAsync();
        var secret = (await page.Locator("#new-token").InnerTextAsync()).Trim();
        Assert.Matches("^[0-9a-f]{64}$", secret);

        await page.ClickAsync("a:has-text('Back to settings')");
        var section = page.Locator("#webhooks");
        Assert.Contains(_receiver.Url, await section.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("digest, alerts", await section.InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);

        // Paused by failures (as the sender does it): the reason shows, with a Resume button.
        await using (var c = await app.Database.OpenAsync())
            await c.ExecuteAsync("UPDATE webhooks SET paused_at = '2025-11-21T07:00:00Z', pause_reason = 'the receiver answered 500' WHERE user_id = @Id", new { ada.Id });
        await page.ReloadAsync();
        Assert.Contains("Paused since 2025-11-21T07:00:00Z: the receiver answered 500", await section.InnerTextAsync(), StringComparison.Ordinal);
        await page.ClickAsync("#webhooks button:has-text('Resume')");
        await page.Locator("#webhooks [role=status]", new() { HasText = "Webhook resumed" }).WaitForAsync();
        Assert.DoesNotContain("Paused since", await section.InnerTextAsync(), StringComparison.Ordinal);

        // A refused address says why on a page of its own and adds nothing.
        await page.FillAsync("#webhook-url", "ftp://example.org/hook");
        await page.ClickAsync("button:has-text('Add webhook')");
        await page.Locator("h1", new() { HasText = "Webhook not added" }).WaitForAsync();
        Assert.Contains("http:// or https://", await page.Locator("[role=alert]").InnerTextAsync(), StringComparison.Ordinal);

        await page.GotoAsync(Url("/settings#webhooks"));
        await page.ClickAsync("#webhooks button:has-text('Remove')");
        await page.Locator("#webhooks", new() { HasText = "Webhook removed." }).WaitForAsync();
        Assert.Contains("No webhooks yet.", await section.InnerTextAsync(), StringComparison.Ordinal);
        // The one error the browser saw is the refused form's answer (400), nothing else.
        Assert.DoesNotContain(browser.Errors, e => !e.Contains("400", StringComparison.Ordinal) && !e.Contains("Failed to load resource", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheMembersDataExportListsTheirHooksWithoutSecrets()
    {
        await using var app = await StartAsync(Hooks(), smtpPort: 9);
        var browser = Alerts.AlertTestApp.NewBrowser(app);
        await browser.RegisterAsync("ada@example.org", "ada");
        await using (var c = await app.Database.OpenAsync())
        {
            await c.ExecuteAsync("""
                INSERT INTO webhooks (user_id, url, events, secret, created_at, consecutive_failures)
                SELECT id, 'https://hooks.example.org/a', 'digest,alerts', 'the-secret-value', '2025-11-20T00:00:00Z', 0 FROM users WHERE email = 'ada@example.org'
                """);
        }
        var (html, _) = await browser.PageAsync("/settings");
        Assert.Contains("https://hooks.example.org/a", html, StringComparison.Ordinal);
        var export = await browser.Client.GetStringAsync("/settings/export.json");
        Assert.DoesNotContain("the-secret-value", export, StringComparison.Ordinal);
        var hook = Assert.Single(JsonDocument.Parse(export).RootElement.GetProperty("webhooks").EnumerateArray());
        Assert.Equal("https://hooks.example.org/a", hook.GetProperty("url").GetString());
        Assert.Equal(["digest", "alerts"], hook.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.False(hook.GetProperty("paused").GetBoolean());
    }
}
