using Dapper;
using Paperboy.Storage;

namespace Paperboy.Digests;

/// <summary>
/// The digest job inside <c>paperboy serve</c>: composes at PAPERBOY_DIGEST_AT local time, and in
/// between delivers whatever is due (confirmations at once, retries when their backoff ends).
/// A run missed while the server was down happens once at start — only the latest one, and only
/// if no instance recorded it — instead of once per missed day.
/// </summary>
public sealed class DigestScheduler(DigestRun run, OutboxSender sender, OutboxSignal signal, DigestSettings settings, ILogger<DigestScheduler> logger, TimeProvider time,
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
        var next = await RunScheduledAsync(run.LatestScheduledDate(time.GetUtcNow()), stoppingToken)
            ? run.NextScheduledAt(time.GetUtcNow()) : time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var wait = next - time.GetUtcNow();
                if (wait > settings.PollInterval) wait = settings.PollInterval;
                if (wait > TimeSpan.Zero) await signal.WaitAsync(wait, stoppingToken);
                else await Task.Delay(settings.PollInterval, stoppingToken);
                if (time.GetUtcNow() >= next)
                {
                    if (await RunScheduledAsync(run.LatestScheduledDate(time.GetUtcNow()), stoppingToken))
                        next = run.NextScheduledAt(time.GetUtcNow());
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
            started = await run.TryStartScheduledAsync(scheduled, time.GetUtcNow(), ct);
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
