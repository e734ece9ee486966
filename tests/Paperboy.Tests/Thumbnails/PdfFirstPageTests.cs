using Microsoft.Extensions.Options;
using Paperboy.Harvest;
using Paperboy.Tests.Infrastructure;
using Paperboy.Tests.Operations;
using Paperboy.Tests.Private;
using Paperboy.Thumbnails;
using SkiaSharp;

namespace Paperboy.Tests.Thumbnails;

/// <summary>
/// The real poppler <c>pdftoppm</c> on PDFs made in the test: page 1 rendered, bad PDFs refused with a reason, a
/// renderer that hangs killed, and its working directory removed every time; and how the switch is read.
/// </summary>
public sealed class PdfFirstPageTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("paperboy-pdf-test-").FullName;

    PdfThumbnails Settings => new() { Enabled = true, WorkRoot = _root };

    static string Pdftoppm => PdfFirstPage.Locate("pdftoppm")
        ?? throw new InvalidOperationException("pdftoppm is not installed (Debian package poppler-utils; .ci/run installs it)");

    [Fact]
    [Trait("Engine", "independent")]
    public async Task TheFirstPageOfAThreePagePaperIsRenderedAt640PixelsAndNotTheOthers()
    {
        var (png, error) = await PdfFirstPage.RenderAsync(PdfSite.DrawnPaper(), Pdftoppm, Settings, CancellationToken.None);
        Assert.Null(error);
        using var page = SKBitmap.Decode(png);
        Assert.Equal(640, page.Height); // A4 is taller than wide: its height is the 640
        Assert.InRange(page.Width, 450, 455);
        Assert.True(page.GetPixel(page.Width / 2, 150).Blue > 100, "the first page's dark-blue block is missing");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));

        // The same page goes through the pictures' resizing: a 320 px wide WebP.
        var (thumbnail, problem) = ThumbnailImage.Make(png!, new ThumbnailSettings());
        Assert.Null(problem);
        Assert.Equal(320, thumbnail!.Width);
    }

    [Fact]
    [Trait("Engine", "independent")]
    public async Task APdfThatCannotBeRenderedOrShowsNothingIsRefusedWithItsReason()
    {
        var drawn = PdfSite.DrawnPaper();
        var cases = new (byte[] Bytes, string Reason)[]
        {
            (drawn[..(drawn.Length / 2)], "pdftoppm cannot render it (exit code 1: Syntax Error"),
            (TestPdfs.Encrypted(), "pdftoppm cannot render it (exit code"),
            (TestPdfs.HandWritten(), "the first page is blank"),
            ("<!DOCTYPE html><html>"u8.ToArray(), "not a PDF (21 bytes starting \"<!DOCTYPE html><html>\")"),
            ([], "not a PDF (0 bytes"),
        };
        foreach (var (bytes, reason) in cases)
        {
            var (png, error) = await PdfFirstPage.RenderAsync(bytes, Pdftoppm, Settings, CancellationToken.None);
            Assert.Null(png);
            Assert.StartsWith(reason, error);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    [Trait("Engine", "independent")]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // a shell script as the renderer, /proc to see it gone
    public async Task ARendererThatHangsIsKilledAtItsTimeLimitAndItsDirectoryRemoved()
    {
        // A stand-in renderer that never finishes: it says who it is, then sleeps.
        var pidFile = Path.Combine(_root, "pid");
        var hanging = Path.Combine(_root, "hanging-pdftoppm");
        await File.WriteAllTextAsync(hanging, $"#!/bin/sh\necho $$ > '{pidFile}'\nexec sleep 120\n");
        File.SetUnixFileMode(hanging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var settings = Settings with { RenderTimeout = TimeSpan.FromSeconds(1) };

        var started = System.Diagnostics.Stopwatch.StartNew();
        var (png, error) = await PdfFirstPage.RenderAsync(PdfSite.DrawnPaper(), hanging, settings, CancellationToken.None);
        Assert.Null(png);
        Assert.Equal("pdftoppm did not finish in 1 s and was stopped", error);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(60), $"it took {started.Elapsed}");
        var pid = (await File.ReadAllTextAsync(pidFile)).Trim();
        Assert.True(await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{pid}")), $"the renderer (process {pid}) is still running");
        Assert.Equal(["hanging-pdftoppm", "pid"], Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName).Order());
    }

    [Fact]
    [Trait("Engine", "independent")]
    public void FirstPagesAreOffUnlessTheOperatorTurnsThemOnWhichAllowsArxivOrg()
    {
        static ThumbnailSettings Read(string sources, params (string Name, string? Value)[] values)
        {
            var harvest = SettingsValues.Read(HarvestSettings.Read, ("PAPERBOY_HARVEST_SOURCES", sources));
            return SettingsValues.Read(c => ThumbnailSettings.Read(c, harvest), values);
        }

        var byDefault = Read("hf");
        Assert.False(byDefault.Pdf.Enabled);
        Assert.Equal(["huggingface.co"], byDefault.Hosts);
        Assert.False(Read("arxiv").Enabled);

        // An arXiv-only site asks for first pages: pictures are on, and arxiv.org (where the PDFs are) is allowed.
        var on = Read("arxiv", ("PAPERBOY_THUMBNAILS_PDF", "1"));
        Assert.True(on.Enabled && on.Pdf.Enabled);
        Assert.Equal(["huggingface.co", "arxiv.org"], on.Hosts);
        Assert.True(on.AllowsHost("export.arxiv.org"));
        Assert.Equal(30, on.Pdf.Days);
        var mirror = Read("hf", ("PAPERBOY_THUMBNAILS_PDF", "on"), ("PAPERBOY_THUMBNAILS_HOSTS", "mirror.lab,arxiv.org"), ("PAPERBOY_THUMBNAILS_PDF_DAYS", "7"));
        Assert.Equal(["mirror.lab", "arxiv.org"], mirror.Hosts);
        Assert.Equal(7, mirror.Pdf.Days);
        // Pictures off wins: no first pages either.
        Assert.False(Read("hf", ("PAPERBOY_THUMBNAILS", "off"), ("PAPERBOY_THUMBNAILS_PDF", "1")).Enabled);

        var typo = Assert.Throws<OptionsValidationException>(() => Read("hf", ("PAPERBOY_THUMBNAILS_PDF", "pdf")));
        Assert.Equal(["PAPERBOY_THUMBNAILS_PDF: \"pdf\" is not a boolean (use 1/0, true/false, on/off)"], typo.Failures);
        var days = Assert.Throws<OptionsValidationException>(() => Read("hf", ("PAPERBOY_THUMBNAILS_PDF_DAYS", "0")));
        Assert.Equal(["PAPERBOY_THUMBNAILS_PDF_DAYS: \"0\" is not between 1 and 36500"], days.Failures);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
