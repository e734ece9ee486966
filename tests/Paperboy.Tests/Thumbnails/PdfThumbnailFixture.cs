using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paperboy.Tests.Harvest;
using Paperboy.Tests.Infrastructure;
using Paperboy.Thumbnails;
using SkiaSharp;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Paperboy.Tests.Thumbnails;

/// <summary>
/// A stand-in for arxiv.org on 127.0.0.1 serving papers' PDFs (a real three-page one built with PdfPig, a truncated
/// one, an error page at a .pdf address) and two pictures, and the papers that point at them: written as a
/// <c>paperboy</c> JSON Lines file published days ago (inside the first pages' window), beside a real Hugging Face day.
/// </summary>
public sealed class PdfSite : IAsyncDisposable
{
    /// <summary>Papers of the JSON Lines file, by what their PDF is.</summary>
    public const string Drawn = "2611.90001", Truncated = "2611.90002", Html = "2611.90003", NoPdfUrl = "2611.90004", Old = "0104.90005",
        Oversized = "2611.90006";
    public static readonly string[] Broken = [Truncated, Html, Oversized];
    /// <summary>The fixture's PDF size limit; <see cref="Oversized"/>'s is over it.</summary>
    public const long MaxBytes = 200_000;
    public static readonly string Day = DateTime.UtcNow.Date.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public StubServer Stub { get; private set; } = null!;
    public string Papers { get; private set; } = null!;

    public static string PdfPath(string paperId) => $"/pdf/{paperId}.pdf";

    public static async Task<PdfSite> StartAsync()
    {
        var drawn = DrawnPaper();
        var files = new Dictionary<string, (string Type, byte[] Bytes)>(StringComparer.Ordinal)
        {
            [PdfPath(Drawn)] = ("application/pdf", drawn),
            [PdfPath(Truncated)] = ("application/pdf", drawn[..(drawn.Length * 6 / 10)]), // the cross-reference table and trailer cut off
            [PdfPath(Html)] = ("text/html", "<!doctype html><title>Rate limited</title><p>Try again later"u8.ToArray()),
            [PdfPath(Old)] = ("application/pdf", drawn),
            [PdfPath(Oversized)] = ("application/pdf", [.. drawn, .. new byte[MaxBytes]]),
            ["/media.pdf"] = ("application/pdf", drawn),
            ["/media.png"] = ("image/png", TestPictures.Make(600, 400, SKEncodedImageFormat.Png)),
            ["/late.png"] = ("image/png", TestPictures.Make(400, 300, SKEncodedImageFormat.Png)),
        };
        var site = new PdfSite
        {
            Stub = await StubServer.StartAsync(async context =>
            {
                if (!files.TryGetValue(context.Request.Path.Value!, out var file))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                context.Response.ContentType = file.Type;
                await context.Response.Body.WriteAsync(file.Bytes);
            }),
        };
        var recent = DateTime.UtcNow.Date.AddDays(-3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        object Paper(string id, string title, string published, bool pdf = true) => pdf
            ? new { id, title, published, daily_date = Day, pdf_url = site.Url(PdfPath(id)) }
            : new { id, title, published, daily_date = Day };
        site.Papers = Path.Combine(Path.GetTempPath(), $"paperboy-pdf-papers-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllLinesAsync(site.Papers, new[]
        {
            Paper(Drawn, "Quasar lensing drawn on a first page", recent),
            Paper(Truncated, "A truncated preprint", recent),
            Paper(Html, "A preprint behind an error page", recent),
            Paper(Oversized, "A preprint with a very large PDF", recent),
            Paper(NoPdfUrl, "A preprint with only its arXiv id", recent, pdf: false),
            Paper(Old, "An archive paper from long ago", "2001-04-02"),
        }.Select(p => JsonSerializer.Serialize(p)));
        return site;
    }

    public string Url(string path) => new Uri(Stub.BaseUrl, path).ToString();

    public int Requests(string path) => Stub.Requests.Count(r => r.PathAndQuery == path);

    /// <summary>A site that may fetch from the stub only, with first pages as <paramref name="pdf"/> says, logging what the worker says.</summary>
    public Task<TestInstance> StartAppAsync(PdfThumbnails pdf, ListLoggerProvider log, TimeSpan interval = default)
    {
        var settings = new ThumbnailSettings
        {
            Enabled = true,
            Hosts = ["127.0.0.1"], // not arxiv.org: the derived link must be refused, never asked
            AllowPrivate = true,
            Interval = interval,
            Idle = TimeSpan.FromMilliseconds(100),
            Pdf = pdf,
        };
        return TestInstance.StartWithAsync(TestInstance.DefaultEngine, builder =>
        {
            builder.Services.AddSingleton(settings);
            builder.Logging.AddProvider(log);
            builder.Logging.AddFilter<ListLoggerProvider>("Paperboy.Thumbnails", LogLevel.Debug);
        }, SharedData.Path("hf-daily-papers", ThumbnailFixture.Day + ".json"), Papers);
    }

    /// <summary>
    /// Waits until the worker has finished a whole pass, first pages included: once the pass that refused
    /// <paramref name="late"/>'s huggingface.co picture is over, the picture is pointed at the stub, and the next
    /// pass stores it. Returns whether it did.
    /// </summary>
    public async Task<bool> PassOverAsync(TestInstance app, string late)
    {
        await using var c = await app.Database.OpenAsync();
        if (!await Eventually.TrueAsync(async () => await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM paper_thumbnails WHERE paper_id = @late", new { late }) == 1)) return false;
        await c.ExecuteAsync("UPDATE paper_media SET thumbnail_url = @url WHERE paper_id = @late", new { url = Url("/late.png"), late });
        return await Eventually.TrueAsync(async () => await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM paper_thumbnails WHERE paper_id = @late AND status = 'stored'", new { late }) == 1);
    }

    /// <summary>Papers of the Hugging Face day that came with a picture of their own, in id order.</summary>
    public static async Task<List<string>> WithPicturesAsync(TestInstance app)
    {
        await using var c = await app.Database.OpenAsync();
        return [.. await c.QueryAsync<string>("""
            SELECT m.paper_id FROM paper_media m JOIN daily_entries d ON d.paper_id = m.paper_id
            WHERE d.day = @Day AND m.thumbnail_url IS NOT NULL ORDER BY m.paper_id
            """, new { ThumbnailFixture.Day })];
    }

    /// <summary>An A4 paper of three pages; the first has a large dark-blue block in its upper half and a title, nothing below.</summary>
    public static byte[] DrawnPaper()
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var first = builder.AddPage(PageSize.A4);
        first.SetTextAndFillColor(20, 40, 140);
        first.DrawRectangle(new PdfPoint(40, 450), 515, 350, 1, fill: true);
        first.ResetColor();
        first.AddText("Quasar lensing drawn on a first page", 24, new PdfPoint(40, 410), font);
        for (var n = 2; n <= 3; n++)
            builder.AddPage(PageSize.A4).AddText($"Page {n}: plain words of the body.", 10, new PdfPoint(50, 780), font);
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        await Stub.DisposeAsync();
        File.Delete(Papers);
    }
}

/// <summary>One site with first pages on, whose worker has tried every PDF and then made one more pass.</summary>
public sealed class PdfThumbnailFixture : IAsyncLifetime
{
    public PdfSite Site { get; private set; } = null!;
    public TestInstance App { get; private set; } = null!;
    public ListLoggerProvider Log { get; } = new("Paperboy.Thumbnails");
    /// <summary>The operator's pause between two downloads, PDFs and pictures alike.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);
    /// <summary>A Hugging Face paper with a picture of its own and, pointed at the stub, a PDF in the window.</summary>
    public string WithMedia { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Site = await PdfSite.StartAsync();
        App = await Site.StartAppAsync(new PdfThumbnails { Enabled = true, MaxBytes = PdfSite.MaxBytes }, Log, Interval);
        var pictured = await PdfSite.WithPicturesAsync(App);
        WithMedia = pictured[0];
        await using var c = await App.Database.OpenAsync();
        // The picture first, so there is no moment when the paper has a PDF and no picture of its own.
        await c.ExecuteAsync("UPDATE paper_media SET thumbnail_url = @url WHERE paper_id = @id", new { url = Site.Url("/media.png"), id = WithMedia });
        await c.ExecuteAsync("UPDATE papers SET pdf_url = @url, published = @day WHERE id = @id", new { url = Site.Url("/media.pdf"), day = PdfSite.Day, id = WithMedia });

        string[] tried = [PdfSite.Drawn, .. PdfSite.Broken, WithMedia];
        var done = await Eventually.ReturnsAsync(async () => (await c.QueryAsync<string>(
            "SELECT paper_id FROM paper_thumbnails WHERE status IN ('stored', 'bad')")).Count(tried.Contains), n => n == tried.Length);
        if (done != tried.Length)
            throw new InvalidOperationException($"only {done} of {tried.Length} papers were tried; the worker said: " + string.Join(" | ", Log.Lines.Select(l => l.Message).Distinct()));
        if (!await Site.PassOverAsync(App, pictured[1])) throw new InvalidOperationException("the worker made no second pass");
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Site.DisposeAsync();
    }
}
