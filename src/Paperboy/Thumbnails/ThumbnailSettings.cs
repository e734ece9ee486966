using Paperboy.Config;
using Paperboy.Harvest;

namespace Paperboy.Thumbnails;

/// <summary>
/// Whether and from where paper pictures are fetched (<c>PAPERBOY_THUMBNAILS*</c>). Off unless the operator
/// asks: by default it follows the Hugging Face harvest (an operator who lets the site reach huggingface.co
/// for papers expects its pictures too), and only hosts on <see cref="Hosts"/> are ever contacted.
/// </summary>
public sealed record ThumbnailSettings
{
    public bool Enabled { get; init; }
    /// <summary>Hosts pictures may come from; a name also covers its subdomains (huggingface.co: cdn-thumbnails.huggingface.co).</summary>
    public IReadOnlyList<string> Hosts { get; init; } = ["huggingface.co"];
    /// <summary>Loopback and private addresses are refused (SSRF) unless the operator allows them (a mirror on the LAN, tests).</summary>
    public bool AllowPrivate { get; init; }
    /// <summary>Width of the stored picture, in pixels (cards show it at about half, for sharp high-density screens).</summary>
    public int Width { get; init; } = 320;
    /// <summary>A download larger than this is not a thumbnail: skipped.</summary>
    public long MaxBytes { get; init; } = 5 * 1024 * 1024;
    /// <summary>Widest or tallest source picture decoded; beyond it a header is a decompression bomb or not a thumbnail.</summary>
    public int MaxSide { get; init; } = 8000;
    public long MaxPixels { get; init; } = 24_000_000;
    /// <summary>Pause between two downloads, as with the harvest's sources.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How often the worker looks for papers whose picture is not fetched yet.</summary>
    public TimeSpan Idle { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Network failures are tried again this many times in all, an hour apart and doubling.</summary>
    public int Attempts { get; init; } = 3;
    public string UserAgent { get; init; } = new HarvestSettings().UserAgent;
    /// <summary>First pages of PDFs for papers without a picture (<c>PAPERBOY_THUMBNAILS_PDF</c>); see <see cref="PdfThumbnails"/>.</summary>
    public PdfThumbnails Pdf { get; init; } = new();

    public bool AllowsHost(string host) =>
        Hosts.Any(h => host.Equals(h, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + h, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one parser of <c>PAPERBOY_THUMBNAILS*</c>: off by default unless the harvest pulls from Hugging Face.</summary>
    public static ThumbnailSettings Read(SettingsReader config, HarvestSettings harvest)
    {
        var d = new ThumbnailSettings { UserAgent = harvest.UserAgent };
        var pdf = PdfThumbnails.Read(config);
        var hosts = config.List("PAPERBOY_THUMBNAILS_HOSTS")?.Select(h => h.TrimStart('*', '.')).ToList() ?? d.Hosts;
        return d with
        {
            // Asking for first pages asks for pictures: an arXiv-only site need not also say PAPERBOY_THUMBNAILS=on.
            Enabled = config.Switch("PAPERBOY_THUMBNAILS") ?? (harvest.Jobs().Contains(HfHarvester.Source) || pdf.Enabled),
            Hosts = pdf.Enabled ? PdfThumbnails.WithArxiv(hosts) : hosts,
            Pdf = pdf,
            AllowPrivate = config.Switch("PAPERBOY_THUMBNAILS_ALLOW_PRIVATE") ?? false,
            Interval = config.Seconds("PAPERBOY_THUMBNAILS_INTERVAL") ?? d.Interval,
        };
    }
}
