using System.Net;
using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Library;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Syndication;
using Paperboy.Tests.Digests;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Syndication;

/// <summary>One instance with the digest catalog (a hostile title included), its links based on PAPERBOY_PUBLIC_URL.</summary>
public sealed class FeedInstance : IAsyncLifetime
{
    public TestInstance App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await DigestTestApp.StartAsync(DigestTestApp.Smtp(1));
        // Collection 1 is public (two papers), collection 2 private: ids are the first two of a fresh database.
        var (owner, _) = await App.Services.GetRequiredService<MemberStore>().CreateAsync("curator@example.org", "curator", "correct horse battery", admin: false);
        var library = App.Services.GetRequiredService<LibraryStore>();
        var (shared, _) = await library.CreateAsync(owner!, "Reading <group>", isPublic: true);
        var (secret, _) = await library.CreateAsync(owner!, "Secret", isPublic: false);
        Assert.Equal((1L, 2L), (shared!.Id, secret!.Id));
        await library.SetInCollectionAsync(owner!, shared.Id, "2511.00001", true);
        await library.SetInCollectionAsync(owner!, shared.Id, "2511.00002", true);
        await library.SetInCollectionAsync(owner!, secret.Id, "2511.00003", true);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

public sealed class FeedTests(FeedInstance fixture) : IClassFixture<FeedInstance>
{
    const string Site = DigestTestApp.PublicUrl;
    static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    // What a title with U+0001 becomes: the character is invalid in XML, so every format drops it.
    static readonly string CleanHostileTitle = DigestTestApp.HostileTitle.Replace("\u0001", "", StringComparison.Ordinal);

    HttpClient Client => fixture.App.Client;

    public static TheoryData<string, int> Views => new()
    {
        { "/feeds/daily", 2 },
        { "/feeds/date/2025-11-20", 2 },
        { "/feeds/date/2025-11-19", 1 },
        { "/feeds/week/2025-W47", 3 },
        { "/feeds/month/2025-11", 3 },
        { "/feeds/trending", 3 },
        { "/feeds/authors/J.%20Doe", 2 },
        { "/feeds/authors/Zo%C3%AB%20Smith", 1 },
        { "/feeds/search?q=paper", 1 },
        { "/feeds/search?q=doe&category=cs.CL", 1 },
        { "/feeds/collections/1", 2 },
    };

    /// <summary>The feed's address in one format: the extension goes before the query string.</summary>
    static string In(string path, string ext) =>
        path.Contains('?', StringComparison.Ordinal) ? path.Replace("?", "." + ext + "?", StringComparison.Ordinal) : path + "." + ext;

    [Theory]
    [MemberData(nameof(Views))]
    public async Task RssFeedsParseAndCarryTheElementsRss2Requires(string path, int entries)
    {
        var response = await Client.GetAsync(In(path, "rss"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/rss+xml", response.Content.Headers.ContentType?.MediaType);
        var xml = await response.Content.ReadAsStringAsync();

        using (var reader = XmlReader.Create(new StringReader(xml)))
        {
            var formatter = new Rss20FeedFormatter();
            Assert.True(formatter.CanRead(reader));
            formatter.ReadFrom(reader);
            Assert.Equal(entries, formatter.Feed.Items.Count());
        }
        var channel = XDocument.Parse(xml).Root!.Element("channel")!;
        Assert.Equal("2.0", channel.Parent!.Attribute("version")!.Value);
        Assert.False(string.IsNullOrWhiteSpace(channel.Element("title")?.Value));
        Assert.StartsWith(Site, channel.Element("link")!.Value, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(channel.Element("description")?.Value));
        Assert.Equal(Site + In(path, "rss").TrimStart('/'), channel.Element(Atom + "link")!.Attribute("href")!.Value);
        foreach (var item in channel.Elements("item"))
        {
            var guid = item.Element("guid")!;
            Assert.Matches(@"^https://papers\.example\.org/papers/2511\.0000\d$", guid.Value);
            Assert.Equal(guid.Value, item.Element("link")!.Value);
            // RFC 822, in GMT.
            Assert.Matches(@"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$", item.Element("pubDate")!.Value);
        }
    }

    [Theory]
    [MemberData(nameof(Views))]
    public async Task AtomFeedsParseAndCarryTheElementsAtomRequires(string path, int entries)
    {
        var response = await Client.GetAsync(In(path, "atom"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
        var xml = await response.Content.ReadAsStringAsync();

        using (var reader = XmlReader.Create(new StringReader(xml)))
        {
            var feed = SyndicationFeed.Load(reader);
            Assert.Equal(entries, feed.Items.Count());
            Assert.All(feed.Items, i => Assert.StartsWith(Site + "papers/", i.Links.Single(l => l.RelationshipType == "alternate").Uri.AbsoluteUri, StringComparison.Ordinal));
        }
        var root = XDocument.Parse(xml).Root!;
        Assert.Equal(Atom + "feed", root.Name);
        Assert.Equal(Site + In(path, "atom").TrimStart('/'), root.Element(Atom + "id")!.Value);
        Assert.False(string.IsNullOrWhiteSpace(root.Element(Atom + "title")?.Value));
        AssertRfc3339(root.Element(Atom + "updated")!.Value);
        foreach (var entry in root.Elements(Atom + "entry"))
        {
            Assert.StartsWith(Site + "papers/", entry.Element(Atom + "id")!.Value, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(entry.Element(Atom + "title")?.Value));
            AssertRfc3339(entry.Element(Atom + "updated")!.Value);
            Assert.Equal(entry.Element(Atom + "id")!.Value, entry.Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "alternate").Attribute("href")!.Value);
        }
    }

    [Theory]
    [MemberData(nameof(Views))]
    public async Task JsonFeedsFollowJsonFeed11(string path, int entries)
    {
        var response = await Client.GetAsync(In(path, "json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/feed+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        Assert.Equal("https://jsonfeed.org/version/1.1", root.GetProperty("version").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
        Assert.Equal(Site + In(path, "json").TrimStart('/'), root.GetProperty("feed_url").GetString());
        var items = root.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(entries, items.Count);
        Assert.All(items, item =>
        {
            Assert.StartsWith(Site + "papers/", item.GetProperty("id").GetString(), StringComparison.Ordinal);
            Assert.Equal(item.GetProperty("id").GetString(), item.GetProperty("url").GetString());
            Assert.False(string.IsNullOrEmpty(item.GetProperty("content_html").GetString()));
            Assert.False(string.IsNullOrEmpty(item.GetProperty("content_text").GetString()));
            AssertRfc3339(item.GetProperty("date_published").GetString()!);
        });
    }

    [Fact]
    public async Task AHostileTitleRoundTripsAsPlainTextInEveryFormat()
    {
        var rss = XDocument.Parse(await Client.GetStringAsync("/feeds/date/2025-11-20.rss"));
        var item = rss.Descendants("item").First();
        Assert.Equal(CleanHostileTitle, item.Element("title")!.Value);
        // The description is HTML to a reader: the title's markup inside it stays encoded after one decoding.
        Assert.DoesNotContain("<b>", item.Element("description")!.Value, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;markup&lt;/b&gt;", item.Element("description")!.Value, StringComparison.Ordinal);

        var atom = XDocument.Parse(await Client.GetStringAsync("/feeds/date/2025-11-20.atom"));
        var entry = atom.Root!.Element(Atom + "entry")!;
        Assert.Equal("text", entry.Element(Atom + "title")!.Attribute("type")!.Value);
        Assert.Equal(CleanHostileTitle, entry.Element(Atom + "title")!.Value);
        Assert.Equal("html", entry.Element(Atom + "content")!.Attribute("type")!.Value);
        Assert.DoesNotContain("<b>", entry.Element(Atom + "content")!.Value, StringComparison.Ordinal);

        var json = await Client.GetStringAsync("/feeds/date/2025-11-20.json");
        Assert.DoesNotContain("<script", json, StringComparison.OrdinalIgnoreCase);
        using var doc = JsonDocument.Parse(json);
        var first = doc.RootElement.GetProperty("items")[0];
        Assert.Equal(CleanHostileTitle, first.GetProperty("title").GetString());
        Assert.DoesNotContain("<b>", first.GetProperty("content_html").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnchangedFeedAnswers304ToItsETagAndLastModified()
    {
        var first = await Client.GetAsync("/feeds/week/2025-W47.atom");
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;
        Assert.True(etag.Tag.Length > 10);

        using var byTag = new HttpRequestMessage(HttpMethod.Get, "/feeds/week/2025-W47.atom");
        byTag.Headers.IfNoneMatch.Add(etag);
        var notModified = await Client.SendAsync(byTag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var byDate = new HttpRequestMessage(HttpMethod.Get, "/feeds/week/2025-W47.atom");
        byDate.Headers.IfModifiedSince = lastModified;
        Assert.Equal(HttpStatusCode.NotModified, (await Client.SendAsync(byDate)).StatusCode);

        using var otherTag = new HttpRequestMessage(HttpMethod.Get, "/feeds/week/2025-W47.atom");
        otherTag.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"stale\""));
        Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(otherTag)).StatusCode);
    }

    [Theory]
    [InlineData("/feeds/date/2025-13-01.rss", HttpStatusCode.BadRequest)]
    [InlineData("/feeds/week/2025-W60.atom", HttpStatusCode.BadRequest)]
    [InlineData("/feeds/month/2025-1.json", HttpStatusCode.BadRequest)]
    [InlineData("/feeds/daily.xml", HttpStatusCode.NotFound)]
    [InlineData("/feeds/authors/%01.rss", HttpStatusCode.BadRequest)]
    [InlineData("/feeds/search.rss", HttpStatusCode.BadRequest)]
    [InlineData("/feeds/search.atom?q=paper&from=yesterday", HttpStatusCode.BadRequest)]
    [InlineData("/feeds/search.json?q=paper&mode=psychic", HttpStatusCode.BadRequest)]
    [InlineData("/feeds/search.xml?q=paper", HttpStatusCode.NotFound)]
    [InlineData("/feeds/collections/2.rss", HttpStatusCode.NotFound)]
    [InlineData("/feeds/collections/99.json", HttpStatusCode.NotFound)]
    public async Task BadFeedAddressesGetClearErrors(string path, HttpStatusCode status) =>
        Assert.Equal(status, (await Client.GetAsync(path)).StatusCode);

    [Fact]
    public async Task WithoutAPublicUrlLinksUseTheRequestsOwnHost()
    {
        await using var app = await TestInstance.StartAsync(DigestTestApp.CatalogPath);
        var rss = XDocument.Parse(await app.Client.GetStringAsync("/feeds/daily.rss"));
        Assert.StartsWith(app.BaseAddress.AbsoluteUri + "papers/", rss.Descendants("item").First().Element("link")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void PageLayoutsGetOneAlternateLinkPerFormat()
    {
        var links = FeedLinks.For(Period.Week(new DateOnly(2025, 11, 20)));
        Assert.Equal(["application/rss+xml", "application/atom+xml", "application/feed+json"], links.Select(l => l.Type).ToArray());
        Assert.Equal("/feeds/week/2025-W47.rss", links[0].Href);
        Assert.Equal("/feeds/authors/J.%20Doe.atom", FeedLinks.Author("J. Doe")[1].Href);
        Assert.Equal("/feeds/trending.json", FeedLinks.Trending()[2].Href);
    }

    [Fact]
    public async Task SearchAndPublicCollectionPagesAnnounceTheirFeedsAndPrivateOnesDoNot()
    {
        var search = Alternates(await Client.GetStringAsync("/search?q=doe&category=cs.CL"));
        Assert.Contains(("application/rss+xml", "Search “doe” (RSS)", "/feeds/search.rss?q=doe&category=cs.CL"), search);
        Assert.Contains(("application/feed+json", "Search “doe” (JSON Feed)", "/feeds/search.json?q=doe&category=cs.CL"), search);
        // What the page links to is what the feed serves: the same single match.
        var linked = XDocument.Parse(await Client.GetStringAsync("/feeds/search.rss?q=doe&category=cs.CL"));
        Assert.Equal(Site + "papers/2511.00002", Assert.Single(linked.Descendants("item")).Element("link")!.Value);

        var collection = Alternates(await Client.GetStringAsync("/collections/1"));
        Assert.Contains(("application/atom+xml", "Collection “Reading <group>” (Atom)", "/feeds/collections/1.atom"), collection);
        Assert.Empty(Alternates(await Client.GetStringAsync("/search")));
        var atom = XDocument.Parse(await Client.GetStringAsync("/feeds/collections/1.atom"));
        Assert.Equal("Paperboy: Reading <group>", atom.Root!.Element(Atom + "title")!.Value);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/collections/2")).StatusCode);
    }

    /// <summary>The page's &lt;link rel="alternate"&gt; elements: type, title and href.</summary>
    static List<(string Type, string Title, string Href)> Alternates(string html) =>
        Dom.Parse(html).QuerySelectorAll("link[rel=alternate]")
            .Select(l => (l.GetAttribute("type") ?? "", l.GetAttribute("title") ?? "", l.GetAttribute("href") ?? "")).ToList();

    static void AssertRfc3339(string value) => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", value);
}
