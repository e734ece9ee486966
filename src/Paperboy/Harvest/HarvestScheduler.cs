using Paperboy.Storage;

namespace Paperboy.Harvest;

/// <summary>
/// Runs the configured sources once a day at <see cref="HarvestSettings.At"/> (UTC) inside <c>serve</c>.
/// A source whose last success is older than the latest scheduled time is due: so a server that was
/// down at 06:00 catches up when it starts, and the harvesters' own checkpoints backfill the days
/// in between. A failed run is tried again an hour later; the site keeps serving meanwhile.
/// </summary>
public sealed class HarvestScheduler(Harvesters harvesters, ILogger<HarvestScheduler> logger, TimeProvider time) : BackgroundService
{
    static readonly TimeSpan RetryFailedAfter = TimeSpan.FromHours(1);

    HarvestSettings Settings => harvesters.Settings;

    IReadOnlyList<string> Jobs() => Settings.Jobs();

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (Jobs().Count == 0)
        {
            logger.LogInformation("Harvesting is off; set PAPERBOY_HARVEST_SOURCES=hf,arxiv to pull new papers daily");
            return;
        }
        await Task.Yield(); // never hold up the site's start
        logger.LogInformation("Harvesting {Jobs} daily at {At:HH\\:mm} UTC", string.Join(", ", Jobs()), Settings.At);
        while (!ct.IsCancellationRequested)
        {
            var anyFailed = false;
            foreach (var job in Jobs())
            {
                if (ct.IsCancellationRequested) break;
                anyFailed |= !await RunIfDueAsync(job, ct);
            }
            var now = time.GetUtcNow();
            var next = NextScheduled(now, Settings.At);
            if (anyFailed && now + RetryFailedAfter < next) next = now + RetryFailedAfter;
            try { await Task.Delay(next - now, ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    async Task<bool> IsDueAsync(string job, DateTimeOffset now, CancellationToken ct)
    {
        var state = await harvesters.Store.GetAsync(job, ct);
        return state?.LastSuccessAt is null
            || string.CompareOrdinal(state.LastSuccessAt, StoredTime.Format(LastScheduled(now, Settings.At))) < 0;
    }

    /// <summary>Runs one job if it is due; false when it failed. Nothing a source (or the database) does may stop the site.</summary>
    async Task<bool> RunIfDueAsync(string job, CancellationToken ct)
    {
        try
        {
            var now = time.GetUtcNow();
            if (!await IsDueAsync(job, now, ct)) return true;
            // Checked again as the lease is taken: another instance may have finished it since IsDueAsync.
            var report = await RunAsync(harvesters, job, LastScheduled(now, Settings.At), ct);
            return report.Error is null;
        }
        catch (Exception ex) when (ex is HarvestRun.BusyException or HarvestRun.AlreadyDoneException)
        {
            logger.LogInformation("Harvest of {Job} skipped: {Reason}", job, ex.Message);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return true;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Harvest of {Job} crashed; it resumes from its last checkpoint at the next run", job);
            return false;
        }
    }

    /// <summary>One run of a job ("hf" or "arxiv:SET") from its checkpoint, as the schedule or an admin's "Run now" starts it.</summary>
    public static Task<HarvestReport> RunAsync(Harvesters harvesters, string job, DateTimeOffset? unlessDoneSince, CancellationToken ct) =>
        job == HfHarvester.Source
            ? harvesters.Hf.RunAsync(null, null, ct: ct, unlessDoneSince: unlessDoneSince)
            : harvesters.Arxiv.RunAsync(job["arxiv:".Length..], null, null, ct: ct, unlessDoneSince: unlessDoneSince);

    public static DateTimeOffset LastScheduled(DateTimeOffset now, TimeOnly at)
    {
        var today = new DateTimeOffset(DateOnly.FromDateTime(now.UtcDateTime).ToDateTime(at), TimeSpan.Zero);
        return today <= now ? today : today.AddDays(-1);
    }

    public static DateTimeOffset NextScheduled(DateTimeOffset now, TimeOnly at) => LastScheduled(now, at).AddDays(1);
}
