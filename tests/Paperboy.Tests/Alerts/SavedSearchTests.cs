using System.Net;
using Dapper;
using Paperboy.Tests.Digests;
using Paperboy.Tests.Infrastructure;
using static Paperboy.Tests.Alerts.AlertTestApp;
using static Paperboy.Tests.Digests.DigestTestApp;

namespace Paperboy.Tests.Alerts;

/// <summary>"Save this search" on /search and the list on /settings, each member seeing and changing only their own.</summary>
public sealed class SavedSearchTests
{
    [Fact]
    public async Task AMemberSavesASearchWithEveryFilterAndManagesItFromSettings()
    {
        await using var app = await StartAsync(Smtp(1));
        var member = await MemberAsync(app, "ada@example.org", "ada");
        var (page, _) = await member.PageAsync("/search?q=paper&category=cs.CL&author=J.%20Doe&from=2025-11-01&to=2025-11-30&sort=newest&mode=keyword");
        Assert.Contains("Save this search", page, StringComparison.Ordinal);

        var id = await SaveSearchAsync(app, member, "paper", ("mode", "keyword"), ("sort", "newest"), ("from", "2025-11-01"), ("to", "2025-11-30"),
            ("category", "cs.CL"), ("author", "J. Doe"));
        await using (var c = await app.Database.OpenAsync())
        {
            var row = await c.QuerySingleAsync<(string Name, string Query, string Mode, string Sort, string DateFrom, string DateTo, string Category, string Author, string Delivery)>(
                "SELECT name, query, mode, sort, date_from, date_to, category, author, delivery FROM saved_searches WHERE id = @id", new { id });
            Assert.Equal(("paper", "paper", "keyword", "newest", "2025-11-01", "2025-11-30", "cs.CL", "J. Doe", "digest"), row);
        }

        var (settings, _) = await member.PageAsync("/settings");
        var saved = Dom.Parse(settings).One($"li#saved-search-{id}");
        // The link runs the same search again, filters included.
        Assert.Contains("/search?q=paper&mode=keyword&sort=newest&from=2025-11-01&to=2025-11-30&category=cs.CL&author=J.%20Doe", saved.Hrefs());

        await SetDeliveryAsync(member, id, "Doe's <b>papers</b>", "email");
        var (renamed, _) = await member.PageAsync("/settings");
        Assert.Contains("Doe&#x27;s &lt;b&gt;papers&lt;/b&gt;", renamed, StringComparison.Ordinal);
        var delivery = Dom.Parse(renamed).One($"li#saved-search-{id} select[name=delivery]");
        Assert.Equal("email", Assert.Single(delivery.QuerySelectorAll("option[selected]")).GetAttribute("value"));
        // Email alerts need a proven address, and the page says how to get one.
        Assert.Equal("Alerts by email wait until you subscribe to the digest on this page and open the link we mail you.",
            Dom.Parse(renamed).One("#saved-searches .form-error").CleanText());

        var bad = await member.SubmitAsync("/settings", $"/settings/searches/{id}", ("name", "x"), ("delivery", "carrier-pigeon"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Delivery must be digest, email or none.", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var deleted = await member.SubmitAsync("/settings", $"/settings/searches/{id}/delete");
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Contains("No saved searches yet", (await member.PageAsync("/settings")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSameSearchSavedAgainIsTheOneKeptAndTheSettingsSayWhatStillStandsBetweenItAndTheMailbox()
    {
        await using var app = await StartAsync(Smtp(1));
        var member = await MemberAsync(app, "ada@example.org", "ada");
        var id = await SaveSearchAsync(app, member, "video reasoning", ("mode", "keyword"));
        async Task<(string? Notice, string? Warning)> SettingsAsync(string query = "")
        {
            var (html, _) = await member.PageAsync("/settings" + query);
            var section = Dom.Parse(html).One("#saved-searches");
            return (section.QuerySelector(".form-ok")?.CleanText(), section.QuerySelector(".form-error")?.CleanText());
        }

        // Not subscribed to the digest: saving says so instead of promising a digest that never comes.
        Assert.Equal(("Search saved; choose below how its new papers should reach you.",
            "Searches set to “In my digest” reach you once you subscribe to the digest on this page and open the link we mail you."),
            await SettingsAsync("?searches=saved"));

        // The same search again (a second press, a double click) is the one kept; another filter makes another search.
        var again = await member.SubmitAsync("/search?q=video%20reasoning&mode=keyword", "/searches", ("q", " video reasoning "), ("mode", "keyword"), ("sort", ""));
        Assert.Equal($"/settings?searches=exists#saved-search-{id}", again.Headers.Location?.OriginalString);
        Assert.Equal("You had saved this search already; here it is.", (await SettingsAsync("?searches=exists")).Notice);
        var narrower = await SaveSearchAsync(app, member, "video reasoning", ("mode", "keyword"), ("category", "cs.CV"));
        Assert.NotEqual(id, narrower);
        await using (var c = await app.Database.OpenAsync())
            Assert.Equal(2L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM saved_searches"));

        // Subscribed from settings, link not opened yet (the SMTP server is down: it waits in the outbox).
        var subscribe = await member.SubmitAsync("/settings", "/settings/digest", ("action", "subscribe"), ("frequency", "daily"));
        Assert.Equal("/settings?digest=sent#digest", subscribe.Headers.Location?.OriginalString);
        Assert.Equal("Searches set to “In my digest” reach you once you open the link we mailed you to confirm your digest subscription.",
            (await SettingsAsync()).Warning);

        // Confirmed: nothing stands in the way, for the digest or for alerts.
        await using (var c = await app.Database.OpenAsync())
        {
            var userId = await c.ExecuteScalarAsync<long>("SELECT id FROM users WHERE email = 'ada@example.org'");
            // What opening the mailed link does (SubscriptionTests follow the real link).
            var at = Storage.StoredTime.Format(DateTimeOffset.UtcNow);
            await c.ExecuteAsync("UPDATE subscriptions SET user_id = @userId, status = 'confirmed', confirmed_at = @at WHERE email = 'ada@example.org'", new { userId, at });
            await c.ExecuteAsync("UPDATE subscription_tokens SET used_at = @at", new { at });
        }
        Assert.Equal(("Search saved. New papers that match it will be in your digest; choose below how they should reach you.", (string?)null),
            await SettingsAsync("?searches=saved"));
        await SetDeliveryAsync(member, id, "video reasoning", "email");
        Assert.Null((await SettingsAsync()).Warning);

        // Unsubscribed later: alerts still go to the proven address, the digest's searches reach nobody, and the page says so.
        Assert.Equal(HttpStatusCode.Redirect, (await member.SubmitAsync("/settings", "/settings/digest", ("action", "unsubscribe"))).StatusCode);
        Assert.Equal("Searches set to “In my digest” reach you once you subscribe to the digest again on this page.", (await SettingsAsync()).Warning);
        await SetDeliveryAsync(member, narrower, "narrower", "none");
        Assert.Null((await SettingsAsync()).Warning);
    }

    [Fact]
    public async Task AnotherMembersSavedSearchIsNotFoundForEveryAction()
    {
        await using var app = await StartAsync(Smtp(1));
        var owner = await MemberAsync(app, "owner@example.org", "owner");
        var id = await SaveSearchAsync(app, owner, "plain");
        var other = await MemberAsync(app, "other@example.org", "other");

        Assert.Equal(HttpStatusCode.NotFound, (await other.SubmitAsync("/settings", $"/settings/searches/{id}", ("name", "mine now"), ("delivery", "email"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.SubmitAsync("/settings", $"/settings/searches/{id}/delete")).StatusCode);
        Assert.DoesNotContain("plain", (await other.PageAsync("/settings")).Html, StringComparison.Ordinal);
        await using var c = await app.Database.OpenAsync();
        Assert.Equal(("plain", "digest"), await c.QuerySingleAsync<(string, string)>("SELECT name, delivery FROM saved_searches WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task ReadersWithoutAnAccountAreAskedToSignInAndFormsNeedTheirToken()
    {
        await using var app = await StartAsync(Smtp(1));
        var anonymous = NewBrowser(app);
        var (page, _) = await anonymous.PageAsync("/search?q=plain");
        Assert.DoesNotContain("Save this search", page, StringComparison.Ordinal);
        Assert.Contains("/login?returnUrl=%2Fsearch%3Fq%3Dplain", Dom.Parse(page).Hrefs());

        var member = await MemberAsync(app, "ada@example.org", "ada");
        var noToken = await member.Client.PostAsync("/searches", new FormUrlEncodedContent([new("q", "plain")]));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        var badFilter = await member.SubmitAsync("/search?q=plain", "/searches", ("q", "plain"), ("from", "yesterday"));
        Assert.Equal(HttpStatusCode.BadRequest, badFilter.StatusCode);
        Assert.Contains("from must be YYYY-MM-DD.", await badFilter.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var c = await app.Database.OpenAsync();
        Assert.Equal(0L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM saved_searches"));
    }
}
