namespace Paperboy.Thumbnails;

/// <summary>
/// Fetches the pictures of papers that have none yet, one at a time, inside <c>serve</c>. Each picture is
/// tried once: a bad one (not an image, too large, truncated) is recorded with its reason and one log line
/// and never fetched again unless its URL changes; only network failures are tried again, hours apart, a
/// few times. Nothing a picture does stops the others or the site.
/// </summary>
public sealed class ThumbnailWorker(ThumbnailSettings settings, ThumbnailStore store, ThumbnailIndex index, PdfThumbnailSource firstPages,
    TimeProvider time, ILogger<ThumbnailWorker> logger) : BackgroundService
{
    const int Batch = 50;
    static readonly TimeSpan FirstRetry = TimeSpan.FromHours(1);
    /// <summary>When the last download ended: the pause is kept across batches too, not only within one.</summary>
    DateTimeOffset? _lastDownload;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (!settings.Enabled)
        {
            logger.LogInformation("Thumbnails are off; set PAPERBOY_THUMBNAILS=on to fetch papers' pictures from {Hosts}", string.Join(", ", settings.Hosts));
            return;
        }
        await Task.Yield(); // never hold up the site's start
        firstPages.Start();
        using var fetcher = new ThumbnailFetcher(settings);
        try { await store.ForgetRefusedAsync(ct); }
        catch (Exception ex) when (ex is not OperationCanceledException) { logger.LogError(ex, "Thumbnails: cannot read the database"); }
        while (!ct.IsCancellationRequested)
        {
            var full = false;
            try { full = await RunBatchAsync(fetcher, ct) == Batch; }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception ex) { logger.LogError(ex, "Thumbnails: a batch failed; trying again later"); }
            if (full) continue;
            try { await Task.Delay(settings.Idle, time, ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One pass over the due papers; returns how many were looked at.</summary>
    public async Task<int> RunBatchAsync(ThumbnailFetcher fetcher, CancellationToken ct)
    {
        var due = (await store.DueAsync(time.GetUtcNow(), Batch, ct))
            .Select(paper => (paper, Get: (Func<CancellationToken, Task<FetchedPicture>>)(c => fetcher.GetAsync(paper.Url, c)))).ToList();
        // Papers without a picture of their own come after those with one, in the room the batch has left.
        if (firstPages.On && due.Count < Batch)
            due.AddRange((await firstPages.DueAsync(time.GetUtcNow(), Batch - due.Count, ct))
                .Select(paper => (paper, Get: (Func<CancellationToken, Task<FetchedPicture>>)(c => firstPages.GetAsync(fetcher, paper.Url, c)))));
        foreach (var (paper, get) in due)
        {
            if (fetcher.Refusal(paper.Url) is { } refused)
            {
                // No request was made, so no pause either; said once per start (ForgetRefusedAsync), at debug level.
                logger.LogDebug("Thumbnail of {Paper} not fetched: {Reason}", paper.PaperId, refused);
                await store.FailAsync(paper.PaperId, paper.Url, "refused", refused, 0, null, time.GetUtcNow(), ct);
                continue;
            }
            // arXiv's 3 seconds on arxiv.org whatever the setting, as for the harvest.
            var interval = Harvest.HarvestSettings.PoliteInterval(new Uri(paper.Url), settings.Interval);
            if (_lastDownload is { } previous && previous + interval - time.GetUtcNow() is { Ticks: > 0 } wait) await Task.Delay(wait, time, ct);
            await TakeAsync(paper, get, ct);
            _lastDownload = time.GetUtcNow();
        }
        return due.Count;
    }

    async Task TakeAsync(DueThumbnail paper, Func<CancellationToken, Task<FetchedPicture>> get, CancellationToken ct)
    {
        var download = await get(ct);
        var now = time.GetUtcNow();
        if (download.Bytes is { } bytes)
        {
            var (thumbnail, problem) = ThumbnailImage.Make(bytes, settings);
            if (thumbnail is not null)
            {
                await store.SaveAsync(paper.PaperId, paper.Url, thumbnail, now, ct);
                index.Remember(paper.PaperId, new ThumbnailEntry(thumbnail.Width, thumbnail.Height, thumbnail.Etag));
                return;
            }
            download = new FetchedPicture(null, problem, false);
        }
        var attempts = paper.Attempts + 1;
        if (download.Transient && attempts < settings.Attempts)
        {
            var retry = now + FirstRetry * Math.Pow(2, attempts - 1);
            logger.LogInformation("Thumbnail of {Paper} not fetched, trying again after {Retry:u}: {Reason} ({Url})", paper.PaperId, retry, download.Error, paper.Url);
            await store.FailAsync(paper.PaperId, paper.Url, "failed", download.Error!, attempts, retry, now, ct);
            return;
        }
        logger.LogWarning("Thumbnail of {Paper} skipped: {Reason} ({Url})", paper.PaperId, download.Error, paper.Url);
        await store.FailAsync(paper.PaperId, paper.Url, "bad", download.Error!, attempts, null, now, ct);
    }
}
