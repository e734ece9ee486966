using Paperboy.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Paperboy.Tests.Feed;

// Every HTML page of the site, in Debian's Chromium, on a desktop and a 390 px phone: axe-core finds no serious or
// critical violation (WCAG 2.2 AA rules) and no page scrolls sideways, there or on a 360 px phone (see PageWalk). Three classes so that xunit
// runs the three walks in parallel on one site (PageWalkFixture); each role walks in one browser context, and a
// page is walked by one role only unless signing in changes what it shows.
//
// Deliberately not walked, with why:
// - not HTML: /api/*, /feeds/* (RSS, Atom, JSON Feed; FeedLinkTests), /feeds/for-you/{token}.{ext}, /club.ics,
//   /papers/{id}.md, /papers/local-{code}/pdf, /media/thumbs/{file}, /settings/export.json and .bib, /healthz, /metrics;
// - a redirect, not a page: /papers/{id}/upvote for an anonymous reader (walked as the sign-in page it leads to),
//   /settings, /library, /papers/private and /papers/private/new for an anonymous reader (to /login);
// - the same page as one walked: /login/sso without a provider and the other refusals are MessagePage, walked as
//   /login/sso/refused and the not-found page; a valid mailed link's page is the expired one's TokenPage with a button;
// - needs a real identity provider: what /login/sso leads to (the provider's own pages; SingleSignOnTests);
// - forms' error answers re-render the walked page with an error line (/login, /register, /settings, /club, ...).

/// <summary>The feeds, papers, search and author pages as an anonymous reader sees them.</summary>
[RunsFor(35)]
public sealed class ReaderPageWalkTests(PageWalkFixture fixture, ITestOutputHelper output) : IClassFixture<PageWalkFixture>
{
    [Fact]
    [Trait("Engine", "independent")] // markup and layout are the same whichever engine stores the rows; the walks run once
    public Task EveryFeedPaperAndSearchPageHasNoSeriousAccessibilityViolationAndNoneScrollsSidewaysOnAPhone() =>
        new PageWalk(fixture.Site, output).AnonymouslyAsync(
            "/", "/papers/date", "/papers/date/2025-09-01", "/papers/week", "/papers/week/2025-W47", "/papers/month", "/papers/month/2025-11",
            "/papers/trending", $"/papers/{fixture.Site.Site.MathPaper}", $"/papers/{fixture.Site.Site.SourceCommentedPaper}", $"/papers/{WalkedSite.OldStylePaper}",
            "/search", "/search?q=video+generation", "/search?q=xyzzy+quantum+banana+lasagna", "/authors/Ada%20Lovelace");
}

/// <summary>Signing in, the pages mailed links open (with expired tokens), and the community pages, anonymous.</summary>
[RunsFor(30)]
public sealed class VisitorPageWalkTests(PageWalkFixture fixture, ITestOutputHelper output) : IClassFixture<PageWalkFixture>
{
    [Fact]
    [Trait("Engine", "independent")]
    public async Task EverySignInLinkAndCommunityPageHasNoSeriousAccessibilityViolationAndNoneScrollsSidewaysOnAPhone()
    {
        // A site that signs in only through an identity provider shows its button instead of the password form. The
        // provider is never asked (nobody presses the button), so an address that does not answer is enough.
        await using var ssoOnly = await TestInstance.StartWithAsync(new Dictionary<string, string?>
        {
            ["SignIn:Authority"] = "https://id.lab.example.org/",
            ["SignIn:ClientId"] = "paperboy",
            ["SignIn:ClientSecret"] = "not-asked",
            ["SignIn:Domains"] = "lab.example.org",
            ["SignIn:Label"] = "Sign in with Lab ID",
            ["SignIn:PasswordSignIn"] = "off",
        });
        await new PageWalk(fixture.Site, output).AnonymouslyAsync(
            new(new Uri(ssoOnly.BaseAddress, "/login").AbsoluteUri, Shows: "a[href^='/login/sso']"), "/login", "/register", "/forgot", $"/login?returnUrl=%2F&upvote={fixture.Site.Site.MathPaper}", "/subscribe", "/reset?token=a-mailed-reset-token",
            new("/confirm-email?token=expired", 404), new("/subscribe/confirm?token=expired", 404), new("/unsubscribe?token=expired", 404),
            new("/alerts/stop?token=expired", 404), new("/invitation?token=expired", 404), new("/login/sso/refused?reason=domain", 403),
            new("/no/such/page", 404),
            "/club", "/members/member", $"/groups/{WalkedSite.GroupSlug}", $"/collections/{fixture.Site.Site.CollectionId}");
    }
}

/// <summary>An ordinary member's pages (and the states their forms lead to), then the admin's own pages.</summary>
[RunsFor(35)]
public sealed class MemberPageWalkTests(PageWalkFixture fixture, ITestOutputHelper output) : IClassFixture<PageWalkFixture>
{
    [Fact]
    [Trait("Engine", "independent")]
    public async Task EveryMemberAndAdminPageHasNoSeriousAccessibilityViolationAndNoneScrollsSidewaysOnAPhone()
    {
        var site = fixture.Site.Site;
        var walk = new PageWalk(fixture.Site, output);
        await walk.WalkAsync(await walk.SignedInAsync(SiteFixture.MemberEmail),
            "/", $"/papers/{site.MathPaper}", $"/papers/{site.MathPaper}/upvote", new("/authors/Ada%20Lovelace", Shows: "form[action='/authors/claim']"),
            "/for-you", "/library", new($"/collections/{site.CollectionId}", Shows: ".paper-list li"), "/submit", "/papers/private/new", "/papers/private",
            $"/papers/{fixture.Site.PrivatePaper}", $"/groups/{WalkedSite.GroupSlug}", "/club", "/settings",
            new("/settings (a new token)", Open: walk.Submit("/settings", "/settings/tokens", ("#token-name", "notebook")), Shows: ".new-token"),
            new("/settings (a new webhook)", Open: walk.Submit("/settings", "/settings/webhooks", ("#webhook-url", "http://127.0.0.1:9/hook")), Shows: ".new-token"),
            new("/settings (a private feed)", Open: walk.Submit("/settings", "/settings/recommendations/feed"), Shows: ".new-token"),
            new("/admin", 403));
        // The group's page again: an admin gets its invitation form and list.
        await walk.WalkAsync(await walk.SignedInAsync(SiteFixture.AdminEmail),
            "/admin", "/admin/harvest", "/admin/groups", new("/admin/authors", Shows: $"text={WalkedSite.ClaimedAuthor}"), $"/groups/{WalkedSite.GroupSlug}");
        walk.AssertNoProblems();
    }
}
