using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Playwright;
using Paperboy.Tests.Feed;
using Paperboy.Tests.Infrastructure;
using SkiaSharp;

namespace Paperboy.Tests.Thumbnails;

/// <summary>
/// Papers' pictures end to end: fetched by the worker from a stub on 127.0.0.1, resized and stored in the
/// database, served from /media/thumbs, shown on every list of cards and on the paper page only where one
/// is stored; bad pictures skipped with one log line each and never fetched again.
/// </summary>
public sealed partial class ThumbnailTests(ThumbnailFixture site) : IClassFixture<ThumbnailFixture>
{
    HttpClient Client => site.App.Client;

    [Fact]
    public async Task GoodPicturesAreStoredAsSmallWebpsNoWiderThan320PixelsAndServedFromOurOrigin()
    {
        foreach (var (path, width, height) in ThumbnailFixture.Good)
        {
            var paper = site.PaperOf[path];
            var page = await Client.GetStringAsync($"/papers/{paper}");
            var src = ImageSources(page).Single();
            Assert.StartsWith($"/media/thumbs/{paper}.webp?v=", src);

            using var response = await Client.GetAsync(src);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/webp", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("max-age=31536000", response.Headers.CacheControl?.ToString());
            Assert.NotNull(response.Headers.ETag);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            using var codec = SKCodec.Create(new MemoryStream(bytes));
            Assert.NotNull(codec);
            Assert.Equal(SKEncodedImageFormat.Webp, codec.EncodedFormat);
            Assert.Equal((width, height), (codec.Info.Width, codec.Info.Height));
            using var decoded = SKBitmap.Decode(bytes);
            Assert.Equal(width, decoded.Width);
            // The gradient and its black mark survived: the centre is dark, a corner is not.
            Assert.True(decoded.GetPixel(width / 2, height / 2).Red < 60, "the centre of the picture should be the black mark");
            Assert.True(decoded.GetPixel(2, 2).Blue > 100, "the corner of the picture should be the gradient's blue");
            Assert.True(bytes.Length < 40_000, $"{path}: a {bytes.Length:N0} byte thumbnail is not small");

            // A browser that has it asks with its ETag and gets nothing again.
            using var again = new HttpRequestMessage(HttpMethod.Get, src);
            again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
            using var notModified = await Client.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/media/thumbs/2406.00000.webp")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/media/thumbs/{site.PaperOf["/bomb.png"]}.webp")).StatusCode);
    }

    [Fact]
    public async Task EveryListOfCardsAndThePaperPageShowAPictureOnlyForPapersThatHaveOne()
    {
        var stored = ThumbnailFixture.Good.Select(g => site.PaperOf[g.Path]).Append(site.PaperOf[ThumbnailFixture.LatePath]).ToHashSet();
        await using var c = await site.App.Database.OpenAsync();
        var title = await c.ExecuteScalarAsync<string>("SELECT title FROM papers WHERE id = @id", new { id = site.PaperOf["/wide.png"] });
        var lists = new[]
        {
            $"/papers/date/{ThumbnailFixture.Day}", "/papers/week/2024-W24", "/papers/month/2024-06", "/papers/trending",
            "/search?q=" + Uri.EscapeDataString(title!),
        };
        foreach (var list in lists)
        {
            using var response = await Client.GetAsync(list);
            var html = await response.Content.ReadAsStringAsync();
            var page = Dom.Parse(html);
            var shown = ImageSources(html).ToList();
            Assert.True(page.Has("li.card"), $"{list} shows no cards");
            // Each picture belongs to a stored paper, and a paper on the list with one shows it.
            Assert.All(shown, src => Assert.Contains(PaperInSource(src), stored));
            var links = page.Hrefs();
            foreach (var paper in stored.Where(p => links.Contains($"/papers/{p}")))
                Assert.Contains(shown, src => PaperInSource(src) == paper);
            Assert.True(shown.Count > 0, $"{list} shows no picture at all");
            Assert.Contains("img-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.DoesNotContain("huggingface", response.Headers.GetValues("Content-Security-Policy").Single());
        }
        var daily = await Client.GetStringAsync($"/papers/date/{ThumbnailFixture.Day}");
        Assert.Equal(stored.Count, ImageSources(daily).Count());
        // Width and height are given (the stored picture's), so nothing moves while pictures load.
        var dailyPage = Dom.Parse(daily);
        Assert.All(dailyPage.QuerySelectorAll("img"), img =>
        {
            Assert.Equal("card-thumb", img.ClassName);
            Assert.StartsWith("/media/thumbs/", img.GetAttribute("src"), StringComparison.Ordinal);
            Assert.True(img.HasAttribute("width") && img.HasAttribute("height"), $"{img.GetAttribute("src")} has no width or height");
        });
        foreach (var (path, width, height) in ThumbnailFixture.Good)
        {
            var img = dailyPage.Card(site.PaperOf[path]).One("img.card-thumb");
            Assert.Equal(($"{width}", $"{height}"), (img.GetAttribute("width"), img.GetAttribute("height")));
        }

        foreach (var paper in site.Untouched.Take(2).Append(site.PaperOf["/truncated.png"]))
            Assert.False(Dom.Parse(await Client.GetStringAsync($"/papers/{paper}")).Has("img"), $"an image on the page of {paper}");
    }

    [Fact]
    public async Task BadPicturesAreSkippedWithOneLogLineEachAndNeverFetchedAgain()
    {
        await using var c = await site.App.Database.OpenAsync();
        foreach (var (path, reason) in ThumbnailFixture.Bad)
        {
            await SkippedPicture.AssertAsync(c, site.Log, site.PaperOf[path], reason);
            // The fixture waited for a later picture, so the worker had passed over this one again since.
            Assert.Equal(1, site.Stub.Requests.Count(r => r.PathAndQuery == path));
        }
        // The good ones were stored all the same, each fetched once.
        foreach (var (path, _, _) in ThumbnailFixture.Good)
            Assert.Equal(1, site.Stub.Requests.Count(r => r.PathAndQuery == path));
        // Papers whose pictures are on a host the operator did not allow were never asked for; they say why.
        var refused = (await c.QueryAsync<string>("SELECT error FROM paper_thumbnails WHERE status = 'refused'")).ToList();
        Assert.Equal(site.Untouched.Count, refused.Count);
        Assert.All(refused, e => Assert.Contains("cdn-thumbnails.huggingface.co is not on PAPERBOY_THUMBNAILS_HOSTS", e));
        Assert.Equal(ThumbnailFixture.Good.Length + ThumbnailFixture.Bad.Length + 1, site.Stub.Requests.Count);
    }

    [Fact]
    [Trait("Engine", "browser")] // in a browser: the pictures' storing and serving are tested over HTTP on both engines above
    public async Task CardsWithPicturesLoadCleanlyAndFitAPhoneAndADesktop()
    {
        await using var browser = await BrowserSession.LaunchAsync();
        foreach (var width in new[] { 390, 1280 })
        {
            var page = await browser.NewPageAsync(width, 844);
            await page.GotoAsync(new Uri(site.App.BaseAddress, $"/papers/date/{ThumbnailFixture.Day}").ToString());
            foreach (var img in await page.Locator("img.card-thumb").AllAsync()) await img.ScrollIntoViewIfNeededAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var loaded = await page.EvaluateAsync<int[]>(
                "() => [...document.querySelectorAll('img.card-thumb')].map(i => i.complete && i.naturalWidth > 0 ? 1 : 0)");
            Assert.Equal(4, loaded.Length);
            Assert.All(loaded, l => Assert.Equal(1, l));
            var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
            Assert.True(widths[0] <= widths[1], $"the daily page is {widths[0]}px wide on a {widths[1]}px screen");
            // Each picture sits inside its card, beside the text rather than over it.
            var outside = await page.EvaluateAsync<int>("""
                () => [...document.querySelectorAll('img.card-thumb')].filter(i => {
                    const r = i.getBoundingClientRect(), card = i.closest('.card').getBoundingClientRect(),
                          body = i.closest('.card').querySelector('.card-body').getBoundingClientRect();
                    return r.right > card.right + 0.5 || r.left < body.right - 0.5 || r.width < 40;
                }).length
                """);
            Assert.Equal(0, outside);
            await page.CloseAsync();
        }
        Assert.Empty(browser.Errors);
    }

    static IEnumerable<string> ImageSources(string html) => Dom.Parse(html).QuerySelectorAll("img[src]").Select(img => img.GetAttribute("src")!);

    static string PaperInSource(string src) => Regex.Match(src, "^/media/thumbs/(.+)\\.webp\\?v=").Groups[1].Value;
}
