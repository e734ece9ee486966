using System.Diagnostics;
using Paperboy.Cli;
using Paperboy.Ingestion;

namespace Paperboy.Harvest;

/// <summary>What one harvest run did. Mutable while the run goes; read when it ends.</summary>
public sealed class HarvestReport(string source)
{
    readonly Stopwatch _clock = Stopwatch.StartNew();

    public string Source { get; } = source;
    public int New { get; set; }
    public int Updated { get; set; }
    public int Rejected => Rejections.Count;
    /// <summary>One line per rejected record, day or page: <c>URL:POSITION: reason</c>, as the importer reports files.</summary>
    public List<string> Rejections { get; } = [];
    /// <summary>Pages or days fetched and committed.</summary>
    public int Units { get; set; }
    public string Unit { get; init; } = "days";
    /// <summary>Set when the run stopped early: the source failed even after retries.</summary>
    public string? Error { get; set; }
    public bool Unreachable { get; set; }
    public TimeSpan Elapsed => _clock.Elapsed;

    public int ExitCode => Error is not null ? ExitCodes.Failure : Rejected > 0 ? ExitCodes.Partial : ExitCodes.Ok;

    public string Summary =>
        $"harvested {Source}: {New} new, {Updated} updated, {Rejected} rejected from {Units} {Unit} in {Elapsed.TotalSeconds:0.0} s"
        + (Error is null ? "" : $"; stopped: {Error}");

    public void Count(WriteOutcome outcome)
    {
        if (outcome == WriteOutcome.New) New++;
        else if (outcome == WriteOutcome.Updated) Updated++;
    }

    public void Fail(FetchException ex)
    {
        Error = ex.Message;
        Unreachable = ex.IsUnreachable;
    }
}

/// <summary>
/// Runs one harvest under the source's lease, keeps the lease alive while it runs, and records
/// how it ended in <c>harvest_state</c> — whatever the harvest itself throws.
/// </summary>
public static class HarvestRun
{
    public sealed class BusyException(string source, string? holder)
        : Exception($"already running in {holder ?? "another process"}; try again when it ends")
    {
        public string HarvestSource { get; } = source;
    }

    /// <summary>A scheduled run found the source harvested since it became due: another instance got there first.</summary>
    public sealed class AlreadyDoneException(string source) : Exception($"{source} was harvested since the scheduled time");

    /// <param name="unlessDoneSince">Set by the scheduler: run only if the source has not succeeded since then (checked as the lease is taken).</param>
    public static async Task<HarvestReport> UnderLeaseAsync(HarvestStore store, string source, ILogger logger,
        Func<string, HarvestReport, CancellationToken, Task> run, HarvestReport report, DateTimeOffset? unlessDoneSince, CancellationToken ct)
    {
        await store.Database.MigrateAsync(ct);
        var owner = HarvestStore.NewOwner();
        var (acquired, holder) = await store.TryAcquireLeaseAsync(source, owner, unlessDoneSince, ct);
        if (!acquired && holder is null && unlessDoneSince is not null) throw new AlreadyDoneException(source);
        if (!acquired) throw new BusyException(source, holder);

        using var heartbeatStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heartbeat = HeartbeatAsync(store, source, owner, heartbeatStop.Token);
        try
        {
            await run(owner, report, ct);
        }
        catch (FetchException ex)
        {
            report.Fail(ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            report.Error = ex.Message;
            await store.FinishAsync(source, owner, report);
            throw;
        }
        catch (OperationCanceledException)
        {
            report.Error = "cancelled";
            await store.FinishAsync(source, owner, report);
            throw;
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            try { await heartbeat; } catch (OperationCanceledException) { }
        }
        await store.FinishAsync(source, owner, report);
        if (report.Error is not null)
            logger.LogWarning("Harvest of {Source} failed: {Error}; the site keeps serving what it has, and the next run resumes from the last checkpoint", source, report.Error);
        else
            logger.LogInformation("{Summary}", report.Summary);
        return report;
    }

    static async Task HeartbeatAsync(HarvestStore store, string source, string owner, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(HarvestStore.LeaseLength / 4);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try { await store.RenewLeaseAsync(source, owner, ct); }
            catch (System.Data.Common.DbException) { } // the next beat tries again; the lease is 4 beats long
        }
    }
}
