using Paperboy.Config;

namespace Paperboy.Webhooks;

/// <summary>
/// Webhook delivery knobs. The operator sets <c>PAPERBOY_WEBHOOK_ALLOW_PRIVATE=1</c> to allow hooks on
/// loopback and private addresses (a receiver on the same machine or network); tests and appsettings
/// use configuration (<c>Webhooks:AllowPrivate</c>, ...), which wins over the environment.
/// </summary>
public sealed class WebhookSettings
{
    /// <summary>Allow URLs that resolve to loopback, private, link-local, unique-local, unspecified or multicast addresses.</summary>
    public bool AllowPrivate { get; set; }

    /// <summary>The most one delivery may take, connecting included: a dead or slow receiver is given up on after this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Delay before the first retry; doubles after each failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Failed deliveries in a row (across its events) after which a hook is paused and its owner mailed.</summary>
    public int MaxConsecutiveFailures { get; set; } = 5;

    /// <summary>How long a sender owns the deliveries it claimed; far longer than a batch's timeouts.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);
    public int BatchSize { get; set; } = 20;

    /// <summary>How often serve looks for due deliveries (new ones, retries whose backoff ended).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether serve runs the delivery loop; tests that drive delivery themselves turn it off.</summary>
    public bool RunInBackground { get; set; } = true;

    /// <summary>Hooks one member may have (each is an outgoing request per event).</summary>
    public int MaxPerMember { get; set; } = 20;

    public static WebhookSettings Read(SettingsReader config)
    {
        var settings = new WebhookSettings { AllowPrivate = config.Switch("PAPERBOY_WEBHOOK_ALLOW_PRIVATE") ?? false };
        config.Configuration.GetSection("Webhooks").Bind(settings);
        return settings;
    }
}
