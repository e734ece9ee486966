namespace Paperboy.Webhooks;

/// <summary>
/// The delivery loop inside <c>paperboy serve</c>, apart from the mail sender so that a dead or slow hook
/// never delays mail: every <see cref="WebhookSettings.PollInterval"/> it posts whatever is due. Any
/// number of instances may run it; leases keep them off each other's deliveries.
/// </summary>
public sealed class WebhookWorker(WebhookSender sender, WebhookSettings settings, ILogger<WebhookWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.RunInBackground) return;
        if (settings.AllowPrivate) logger.LogWarning("PAPERBOY_WEBHOOK_ALLOW_PRIVATE is on: webhooks may post to loopback and private addresses");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await sender.DeliverAsync(stoppingToken);
                await Task.Delay(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database is down: say so and try again at the next poll, the site keeps serving.
                logger.LogError(ex, "Webhook delivery failed; retrying in {Seconds} s", settings.PollInterval.TotalSeconds);
                try { await Task.Delay(settings.PollInterval, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }
}
