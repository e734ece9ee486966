using System.Net;
using Dapper;
using Microsoft.Extensions.Logging;
using Paperboy.Tests.Infrastructure;
using Paperboy.Thumbnails;
using SkiaSharp;

namespace Paperboy.Tests.Thumbnails;

/// <summary>
/// First pages of PDFs as pictures (<c>PAPERBOY_THUMBNAILS_PDF</c>) end to end: PDFs served from 127.0.0.1, rendered
/// by the real poppler <c>pdftoppm</c>, stored and shown like a source's picture; broken PDFs skipped once with a log
/// line; nothing asked for when the switch is off, when pdftoppm is missing, or when the paper has its own picture.
/// </summary>
public sealed class PdfThumbnailTests(PdfThumbnailFixture site) : IClassFixture<PdfThumbnailFixture>
{
    HttpClient Client => site.App.Client;

    [Fact]
    public async Task APaperWithoutAPictureGetsItsPdfsFirstPageOnItsCardAndItsPage()
    {
        var card = Dom.Parse(await Client.GetStringAsync($"/papers/date/{PdfSite.Day}")).Card(PdfSite.Drawn).One("img.card-thumb");
        var src = card.GetAttribute("src")!;
        Assert.StartsWith($"/media/thumbs/{PdfSite.Drawn}.webp?v=", src);
        Assert.Equal("320", card.GetAttribute("width"));
        var page = Dom.Parse(await Client.GetStringAsync($"/papers/{PdfSite.Drawn}"));
        Assert.Equal(src, page.One("img").GetAttribute("src"));

        using var response = await Client.GetAsync(src);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/webp", response.Content.Headers.ContentType?.MediaType);
        using var picture = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        // An A4 page rendered 640 px tall, made 320 px wide: about 320 x 452.
        Assert.Equal(320, picture.Width);
        Assert.InRange(picture.Height, 440, 465);
        Assert.Equal(card.GetAttribute("height"), picture.Height.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The dark-blue block of the upper half is there, and the page below it is white: a render, not a blank.
        var block = picture.GetPixel(160, 100);
        Assert.True(block.Blue > 100 && block.Red < 60, $"expected the dark-blue block at (160, 100), got {block}");
        var paper = picture.GetPixel(160, 400);
        Assert.True(paper.Red > 230 && paper.Green > 230 && paper.Blue > 230, $"expected white paper at (160, 400), got {paper}");
        Assert.Contains("img-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());

        // Downloaded once, from its pdf_url, and recorded with it as the picture's source.
        Assert.Equal(1, site.Site.Requests(PdfSite.PdfPath(PdfSite.Drawn)));
        await using var c = await site.App.Database.OpenAsync();
        Assert.Equal(site.Site.Url(PdfSite.PdfPath(PdfSite.Drawn)),
            await c.ExecuteScalarAsync<string>("SELECT source_url FROM paper_thumbnails WHERE paper_id = @id", new { id = PdfSite.Drawn }));
    }

    [Fact]
    public async Task ABrokenOrOversizedPdfOrAnErrorPageIsSkippedWithOneLogLineAndNeverFetchedAgain()
    {
        await using var c = await site.App.Database.OpenAsync();
        var reasons = new[] { (PdfSite.Truncated, "pdftoppm cannot render it"), (PdfSite.Html, "not a PDF"), (PdfSite.Oversized, "over the 200,000 byte limit") };
        Assert.Equal(PdfSite.Broken, reasons.Select(r => r.Item1));
        foreach (var (paper, reason) in reasons)
        {
            await SkippedPicture.AssertAsync(c, site.Log, paper, reason);
            // The fixture waited for one more pass after this one was tried: it was not asked for again.
            Assert.Equal(1, site.Site.Requests(PdfSite.PdfPath(paper)));

            var page = await Client.GetAsync($"/papers/{paper}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.False(Dom.Parse(await page.Content.ReadAsStringAsync()).Has("img"), $"an image on the page of {paper}");
        }
        Assert.Contains("not a PDF (", await c.ExecuteScalarAsync<string>("SELECT error FROM paper_thumbnails WHERE paper_id = @id", new { id = PdfSite.Html }));
        var daily = Dom.Parse(await Client.GetStringAsync($"/papers/date/{PdfSite.Day}"));
        Assert.All(PdfSite.Broken, paper => Assert.False(daily.Card(paper).Has("img"), $"{paper}'s card has an image"));
    }

    [Fact]
    public async Task APaperWithItsOwnPictureNeverHasItsPdfFetched()
    {
        Assert.Equal(0, site.Site.Requests("/media.pdf"));
        Assert.Equal(1, site.Site.Requests("/media.png"));
        await using var c = await site.App.Database.OpenAsync();
        Assert.Equal(site.Site.Url("/media.png"), await c.ExecuteScalarAsync<string>(
            "SELECT source_url FROM paper_thumbnails WHERE paper_id = @id AND status = 'stored'", new { id = site.WithMedia }));
    }

    [Fact]
    public void DownloadsOfPdfsAndPicturesAreOneAtATimeAndTheIntervalApart()
    {
        var requests = site.Site.Stub.Requests.OrderBy(r => r.Start).ToList();
        Assert.True(requests.Count >= 6, $"only {requests.Count} requests");
        Assert.Equal(1, site.Site.Stub.MaxConcurrent);
        // The worker waits the interval after a download (and its render) ends, before the next one starts.
        foreach (var (before, after) in requests.Zip(requests.Skip(1)))
            Assert.True(after.Start - before.End >= PdfThumbnailFixture.Interval - TimeSpan.FromMilliseconds(20),
                $"{after.PathAndQuery} started {(after.Start - before.End).TotalMilliseconds:0} ms after {before.PathAndQuery} ended");
    }

    [Fact]
    public async Task TheDerivedArxivLinkIsRefusedWhenArxivIsNotAllowedAndOldPapersAreLeftAlone()
    {
        await using var c = await site.App.Database.OpenAsync();
        var refused = await c.QuerySingleAsync<(string Status, string Url, string Error)>(
            "SELECT status, source_url, error FROM paper_thumbnails WHERE paper_id = @id", new { id = PdfSite.NoPdfUrl });
        Assert.Equal(("refused", $"https://arxiv.org/pdf/{PdfSite.NoPdfUrl}"), (refused.Status, refused.Url));
        Assert.Contains("host arxiv.org is not on PAPERBOY_THUMBNAILS_HOSTS", refused.Error);
        // Published in 2001, outside the last 30 days: its PDF is not looked at, and nothing says it was.
        Assert.Equal(0, site.Site.Requests(PdfSite.PdfPath(PdfSite.Old)));
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM paper_thumbnails WHERE paper_id = @id", new { id = PdfSite.Old }));
        Assert.Contains(site.Log.Lines, l => l.Level == LogLevel.Information && l.Message.Contains("published in the last 30 days get their PDF's first page", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithTheSwitchOffNoPdfIsEverAskedFor()
    {
        await using var pdfs = await PdfSite.StartAsync();
        var log = new ListLoggerProvider("Paperboy.Thumbnails");
        await using var app = await pdfs.StartAppAsync(new PdfThumbnails { Enabled = false }, log);
        var pictured = await PdfSite.WithPicturesAsync(app);
        Assert.True(await pdfs.PassOverAsync(app, pictured[0]), "the worker made no second pass");
        Assert.DoesNotContain(pdfs.Stub.Requests, r => r.PathAndQuery.EndsWith(".pdf", StringComparison.Ordinal));
        Assert.False(Dom.Parse(await app.Client.GetStringAsync($"/papers/date/{PdfSite.Day}")).Card(PdfSite.Drawn).Has("img"));
        Assert.DoesNotContain(log.Lines, l => l.Message.Contains("PDF", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutPdftoppmTheSwitchSaysSoOnceAndTheSiteCarriesOnWithoutFirstPages()
    {
        await using var pdfs = await PdfSite.StartAsync();
        var log = new ListLoggerProvider("Paperboy.Thumbnails");
        await using var app = await pdfs.StartAppAsync(new PdfThumbnails { Enabled = true, Renderer = "/nonexistent/poppler/pdftoppm" }, log);
        var pictured = await PdfSite.WithPicturesAsync(app);
        Assert.True(await pdfs.PassOverAsync(app, pictured[0]), "the worker made no second pass");
        Assert.DoesNotContain(pdfs.Stub.Requests, r => r.PathAndQuery.EndsWith(".pdf", StringComparison.Ordinal));
        var said = log.Lines.Where(l => l.Message.Contains("poppler-utils", StringComparison.Ordinal)).ToList();
        Assert.Single(said);
        Assert.Equal(LogLevel.Warning, said[0].Level);
        Assert.Contains("/nonexistent/poppler/pdftoppm is not installed", said[0].Message);
        var daily = await app.Client.GetAsync($"/papers/date/{PdfSite.Day}");
        Assert.Equal(HttpStatusCode.OK, daily.StatusCode);
        Assert.False(Dom.Parse(await daily.Content.ReadAsStringAsync()).Card(PdfSite.Drawn).Has("img"));
        await using var c = await app.Database.OpenAsync();
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM paper_thumbnails WHERE paper_id LIKE '2611.%'"));
    }
}
