using Dapper;
using Paperboy.Papers;
using Paperboy.Storage;

namespace Paperboy.Thumbnails;

/// <summary>
/// Where <see cref="ThumbnailWorker"/> finds pictures for papers the source gave none: the first page of the
/// paper's PDF (<c>pdf_url</c>, or arXiv's link for an arXiv id, as <see cref="Paper.PdfLink"/> derives it), when
/// the operator turned <see cref="PdfThumbnails"/> on and <c>pdftoppm</c> is installed. What comes of each PDF is
/// recorded in <c>paper_thumbnails</c> like any picture, with the PDF's URL as its source, so it is tried once.
/// </summary>
public sealed class PdfThumbnailSource(ThumbnailSettings settings, Database database, ILogger<PdfThumbnailSource> logger)
{
    string? _renderer;

    /// <summary>Whether first pages are made; decided once, at the worker's start, with one log line either way.</summary>
    public bool On => _renderer is not null;

    public bool Start()
    {
        if (!settings.Pdf.Enabled) return false;
        _renderer = PdfFirstPage.Locate(settings.Pdf.Renderer);
        if (_renderer is null)
            logger.LogWarning("PAPERBOY_THUMBNAILS_PDF is on but {Renderer} is not installed (Debian package poppler-utils); " +
                "papers without a picture keep none", settings.Pdf.Renderer);
        else
            logger.LogInformation("Thumbnails: papers without a picture that were published in the last {Days} days get their PDF's first page, " +
                "rendered by {Renderer}", settings.Pdf.Days, _renderer);
        return On;
    }

    /// <summary>
    /// Visible papers of the last <see cref="PdfThumbnails.Days"/> with no picture from their source and not tried yet
    /// (or a network failure whose wait is over, or a new <c>pdf_url</c>), newest first.
    /// </summary>
    public async Task<IReadOnlyList<DueThumbnail>> DueAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        // An id with a dot or a slash may be arXiv's (2406.01234, hep-th/9901001): the C# below decides; the filter only
        // keeps the many papers that cannot have a PDF link out of each batch.
        var rows = await c.QueryAsync<(string PaperId, string? PdfUrl, long Attempts)>(new CommandDefinition($"""
            SELECT p.id, p.pdf_url, COALESCE(t.attempts, 0)
            FROM papers p
            LEFT JOIN paper_media m ON m.paper_id = p.id
            LEFT JOIN paper_thumbnails t ON t.paper_id = p.id
            WHERE p.hidden = FALSE AND m.thumbnail_url IS NULL AND p.published >= @since
              AND (p.pdf_url IS NOT NULL OR p.id LIKE '%.%' OR p.id LIKE '%/%')
              AND (t.paper_id IS NULL OR (t.status = 'failed' AND t.retry_after <= @now)
                   OR (p.pdf_url IS NOT NULL AND t.source_url <> p.pdf_url))
            ORDER BY p.id DESC
            LIMIT {limit}
            """, new { now = StoredTime.Format(now), since = now.UtcDateTime.Date.AddDays(-settings.Pdf.Days).ToString("yyyy-MM-dd") },
            cancellationToken: ct));
        // No link: the worker's refusal ("not an http(s) address") records it, so it does not come back every pass.
        return [.. rows.Select(r => new DueThumbnail(r.PaperId, new Paper { Id = r.PaperId, PdfUrl = r.PdfUrl }.PdfLink ?? "", r.Attempts))];
    }

    /// <summary>The PDF downloaded (within its own limits) and its first page rendered: a PNG, or why not.</summary>
    public async Task<FetchedPicture> GetAsync(ThumbnailFetcher fetcher, string url, CancellationToken ct)
    {
        var pdf = settings.Pdf;
        var download = await fetcher.GetAsync(url, new FetchLimits(pdf.MaxBytes, pdf.Timeout, "application/pdf"), ct);
        if (download.Bytes is not { } bytes) return download;
        var (png, error) = await PdfFirstPage.RenderAsync(bytes, _renderer!, pdf, ct);
        return png is null ? new(null, "PDF: " + error, false) : new(png, null, false);
    }
}
