using System.Net;
using System.Text.RegularExpressions;
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
            var links = Alternate().Matches(html).Select(m => (Type: WebUtility.HtmlDecode(m.Groups[1].Value), Href: WebUtility.HtmlDecode(m.Groups[3].Value))).ToList();
            Assert.Equal(["application/rss+xml", "application/atom+xml", "application/feed+json"], links.Select(l => l.Type).ToList());
            // The same feeds are visible on the page, not only to feed readers.
            Assert.Contains("class=\"sub feed-link\"", html, StringComparison.Ordinal);
            foreach (var (type, href) in links)
            {
                Assert.Contains($"<a href=\"{WebUtility.HtmlEncode(href)}\" type=", html, StringComparison.Ordinal);
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
        Assert.DoesNotMatch(Alternate(), html);
    }

    [GeneratedRegex("<link rel=\"alternate\" type=\"([^\"]+)\" title=\"([^\"]+)\" href=\"([^\"]+)\" ?/?>")]
    private static partial Regex Alternate();
}
