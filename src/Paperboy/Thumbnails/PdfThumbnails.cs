using Paperboy.Config;

namespace Paperboy.Thumbnails;

/// <summary>
/// The first page of a paper's PDF as its picture, for papers the source gave none (<c>PAPERBOY_THUMBNAILS_PDF</c>).
/// Off by default: each picture costs a PDF download (a few MB) and a render by poppler's <c>pdftoppm</c>, and
/// arXiv asks robots not to take its PDFs in bulk, so only papers published in the last <see cref="Days"/> are
/// looked at, one download at a time, never faster than arXiv's 3 seconds.
/// </summary>
public sealed record PdfThumbnails
{
    public const string Arxiv = "arxiv.org";

    public bool Enabled { get; init; }
    /// <summary>Only papers published this many days back or less get a first page (the daily lists, not the archive).</summary>
    public int Days { get; init; } = 30;
    /// <summary>A PDF larger than this is not downloaded to the end (arXiv's own limit for a submission is 50 MB).</summary>
    public long MaxBytes { get; init; } = 50 * 1024 * 1024;
    /// <summary>The whole download, headers to last byte.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>A render taking longer is killed: a PDF built to be slow must not hold up the worker.</summary>
    public TimeSpan RenderTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>poppler's renderer, a name looked up on PATH or a full path (Debian package poppler-utils).</summary>
    public string Renderer { get; init; } = "pdftoppm";
    /// <summary>The longer side of the rendered page, in pixels, before it is made a thumbnail like any picture.</summary>
    public int Size { get; init; } = 640;
    /// <summary>Where renders happen, each in a directory of its own that is removed afterwards.</summary>
    public string WorkRoot { get; init; } = Path.GetTempPath();

    public static PdfThumbnails Read(SettingsReader config)
    {
        var d = new PdfThumbnails();
        return d with
        {
            Enabled = config.Switch("PAPERBOY_THUMBNAILS_PDF") ?? false,
            Days = config.Int("PAPERBOY_THUMBNAILS_PDF_DAYS", 1, 36_500) ?? d.Days,
        };
    }

    /// <summary>The derived PDF links are on arxiv.org: turning first pages on allows it, and only it, beside the operator's hosts.</summary>
    public static IReadOnlyList<string> WithArxiv(IReadOnlyList<string> hosts) =>
        hosts.Any(h => h.Equals(Arxiv, StringComparison.OrdinalIgnoreCase)) ? hosts : [.. hosts, Arxiv];
}
