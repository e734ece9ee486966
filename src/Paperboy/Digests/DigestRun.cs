using Dapper;
using Paperboy.Storage;

namespace Paperboy.Digests;

/// <param name="Alerts">Saved-search alert mails put in the outbox by this run.</param>
/// <param name="Elsewhere">Deliveries queued by the <see cref="IDigestOutlet"/>s (webhooks).</param>
public sealed record DigestRunReport(IReadOnlyList<ComposedDigest> Composed, int Alerts, DeliveryReport Delivery, int Elsewhere = 0);

/// <summary>One run of the digest job, shared by <c>paperboy digest send</c> and the scheduler in serve: compose digests and alerts, then deliver.</summary>
public sealed class DigestRun(DigestComposer composer, Alerts.AlertComposer alerts, OutboxSender sender, DigestSettings settings, Database database,
    IEnumerable<IDigestOutlet>? outlets = null)
{
    /// <summary>The day a run at <paramref name="now"/> is for: yesterday in the configured time zone, the last whole day.</summary>
    public DateOnly DefaultDate(DateTimeOffset now) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, settings.TimeZone).DateTime).AddDays(-1);

    public async Task<DigestRunReport> RunAsync(DateOnly? date, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var day = date ?? DefaultDate(now);
        var composed = await composer.ComposeAsync(day, now, ct);
        var alerted = await alerts.ComposeAsync(day, now, ct);
        var elsewhere = 0;
        foreach (var outlet in outlets ?? []) elsewhere += await outlet.ComposeAsync(day, now, ct);
        var delivery = await sender.DeliverAsync(ct);
        return new DigestRunReport(composed, alerted, delivery, elsewhere);
    }

    /// <summary>The latest scheduled moment at or before <paramref name="now"/>, as a local date (the run's name).</summary>
    public DateOnly LatestScheduledDate(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, settings.TimeZone);
        var today = DateOnly.FromDateTime(local.DateTime);
        return TimeOnly.FromDateTime(local.DateTime) >= settings.DigestAt ? today : today.AddDays(-1);
    }

    /// <summary>When the scheduled run after <paramref name="now"/> is due.</summary>
    public DateTimeOffset NextScheduledAt(DateTimeOffset now)
    {
        var next = LatestScheduledDate(now).AddDays(1).ToDateTime(settings.DigestAt);
        // A local time skipped by a DST change runs an hour later rather than not at all.
        if (settings.TimeZone.IsInvalidTime(next)) next = next.AddHours(1);
        return new DateTimeOffset(next, settings.TimeZone.GetUtcOffset(next));
    }

    /// <summary>
    /// Records the scheduled run of <paramref name="scheduled"/>; false if it was already recorded
    /// (by this instance before a restart, or by another instance).
    /// </summary>
    public async Task<bool> TryStartScheduledAsync(DateOnly scheduled, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO digest_runs (kind, period, ran_at, composed) VALUES ('schedule', @period, @at, 0) ON CONFLICT (kind, period) DO NOTHING",
            new { period = Clock.Day(scheduled), at = Clock.Timestamp(now) }, cancellationToken: ct)) > 0;
    }

    /// <summary>Forgets a scheduled run that failed, so the next poll tries it again instead of skipping a day.</summary>
    public async Task ForgetScheduledAsync(DateOnly scheduled, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM digest_runs WHERE kind = 'schedule' AND period = @period",
            new { period = Clock.Day(scheduled) }, cancellationToken: ct));
    }
}

/// <summary>
/// The digest job inside <c>paperboy serve</c>: composes at PAPERBOY_DIGEST_AT local time, and in
/// between delivers whatever is due (confirmations at once, retries when their backoff ends).
/// A run missed while the server was down happens once at start — only the latest one, and only
/// if no instance recorded it — instead of once per missed day.
/// </summary>
public sealed class DigestScheduler(DigestRun run, OutboxSender sender, OutboxSignal signal, DigestSettings settings, ILogger<DigestScheduler> logger,
    Syndication.SiteUrl? site = null)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.RunInBackground) return;
        try { await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken); }
        catch (OperationCanceledException) { return; }
        if (!settings.SmtpConfigured)
            logger.LogInformation("SMTP is not configured (PAPERBOY_SMTP_HOST): digests and confirmations wait in the outbox");
        else if (site?.Configured is null)
            logger.LogWarning("PAPERBOY_PUBLIC_URL is not set: links in email point to {Fallback}", Syndication.SiteUrl.Fallback);
        // A run that fails (database down) is retried at the next poll; one that succeeds moves on to tomorrow.
        var next = await RunScheduledAsync(run.LatestScheduledDate(DateTimeOffset.UtcNow), stoppingToken)
            ? run.NextScheduledAt(DateTimeOffset.UtcNow) : DateTimeOffset.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var wait = next - DateTimeOffset.UtcNow;
                if (wait > settings.PollInterval) wait = settings.PollInterval;
                if (wait > TimeSpan.Zero) await signal.WaitAsync(wait, stoppingToken);
                else await Task.Delay(settings.PollInterval, stoppingToken);
                if (DateTimeOffset.UtcNow >= next)
                {
                    if (await RunScheduledAsync(run.LatestScheduledDate(DateTimeOffset.UtcNow), stoppingToken))
                        next = run.NextScheduledAt(DateTimeOffset.UtcNow);
                }
                else if (settings.SmtpConfigured)
                {
                    await sender.DeliverAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database or the network is down: say so and try again at the next poll, the site keeps serving.
                logger.LogError(ex, "Digest job failed; retrying in {Seconds} s", settings.PollInterval.TotalSeconds);
            }
        }
    }

    /// <summary>Runs the scheduled job of <paramref name="scheduled"/> unless it already ran; false if it failed and should be retried.</summary>
    async Task<bool> RunScheduledAsync(DateOnly scheduled, CancellationToken ct)
    {
        var started = false;
        try
        {
            started = await run.TryStartScheduledAsync(scheduled, DateTimeOffset.UtcNow, ct);
            if (!started)
            {
                if (settings.SmtpConfigured) await sender.DeliverAsync(ct);
                return true;
            }
            var report = await run.RunAsync(scheduled.AddDays(-1), ct);
            logger.LogInformation("Digest run {Date}: {Composed} new messages, {Alerts} alerts, {Sent} sent, {Failed} failed, {Pending} waiting",
                scheduled, report.Composed.Sum(c => c.NewMessages), report.Alerts, report.Delivery.Sent, report.Delivery.Failed, report.Delivery.Pending);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return true;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Digest run {Date} failed; retrying in {Seconds} s", scheduled, settings.PollInterval.TotalSeconds);
            if (started)
            {
                try { await run.ForgetScheduledAsync(scheduled, CancellationToken.None); }
                catch (Exception forget) { logger.LogError(forget, "Could not record that digest run {Date} failed", scheduled); }
            }
            return false;
        }
    }
}
