using System.Net;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Feed;

/// <summary>List pages announce their feeds in the head and show them; every announced feed answers.</summary>
public sealed partial class FeedLinkTests
{
    [Fact]
    public async Task ListPagesAnnounceFeedsThatResolveWithTheirOwnContentType()
    {
        await using var app = await PageFixtures.StartWithDaysAsync("2025-11-19", "2025-11-20");
        foreach (var path in new[] { "/", "/papers/date/2025-11-20", "/papers/week/2025-W47", "/papers/month/2025-11", "/papers/trending", "/authors/Chenglin%20Wu" })
        {
            var html = await app.Client.GetStringAsync(path);
            var page = Dom.Parse(html);
            var alternates = page.QuerySelectorAll("head > link[rel=alternate]");
            Assert.All(alternates, l => Assert.False(string.IsNullOrWhiteSpace(l.GetAttribute("title")), "a feed without a title"));
            var links = alternates.Select(l => (Type: l.GetAttribute("type")!, Href: l.GetAttribute("href")!)).ToList();
            Assert.Equal(["application/rss+xml", "application/atom+xml", "application/feed+json"], links.Select(l => l.Type).ToList());
            // The same feeds are visible on the page, not only to feed readers.
            var visible = page.One("p.sub.feed-link").QuerySelectorAll("a");
            foreach (var (type, href) in links)
            {
                Assert.Contains(visible, a => a.GetAttribute("href") == href && a.GetAttribute("type") == type);
                var feed = await app.Client.GetAsync(href);
                Assert.True(feed.StatusCode == HttpStatusCode.OK, $"{href} on {path}: {feed.StatusCode}");
                Assert.Equal(type, feed.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    [Fact]
    public async Task APaperPageHasNoFeedLinks()
    {
        await using var app = await PageFixtures.StartWithDaysAsync("2025-11-20");
        var html = await app.Client.GetStringAsync("/papers/2511.15065");
        var page = Dom.Parse(html);
        Assert.False(page.Has("link[rel=alternate]"), "a feed link in the head");
        Assert.False(page.Has(".feed-link"), "a visible feed line");
    }
}
