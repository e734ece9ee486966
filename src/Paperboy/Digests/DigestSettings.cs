using Paperboy.Config;

namespace Paperboy.Digests;

/// <summary>SMTP, schedule and abuse limits for email (SPEC §8), read from the environment once at start.</summary>
public sealed record DigestSettings
{
    public string? SmtpHost { get; init; }
    public int SmtpPort { get; init; } = 587;
    public string? SmtpUser { get; init; }
    public string? SmtpPassword { get; init; }
    public string? From { get; init; }

    /// <summary>Local time of the daily run in <see cref="TimeZone"/>.</summary>
    public TimeOnly DigestAt { get; init; } = new(7, 0);
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Subscribe requests one IP may make per window (each may send a confirmation mail to a stranger).</summary>
    public int SubscribePermitLimit { get; init; } = 10;
    public TimeSpan SubscribeWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>At most one confirmation mail per address in this time, so nobody can flood a victim's inbox.</summary>
    public TimeSpan ConfirmationCooldown { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Delay before the first retry; doubles after each failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMinutes(1);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromHours(6);
    public int MaxAttempts { get; init; } = 10;

    /// <summary>How long a sender owns the rows it claimed; after that another sender may take them.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);
    public int BatchSize { get; init; } = 50;

    /// <summary>How often serve looks for due or retried mail between scheduled runs.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Saved-search alerts leave out papers added this recently (they go in the next run): an import
    /// still writing could commit rows stamped just before the alert's window closed.
    /// </summary>
    public TimeSpan AlertSettleTime { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether serve runs the digest job; tests that drive sending themselves turn it off.</summary>
    public bool RunInBackground { get; init; } = true;

    public bool SmtpConfigured => !string.IsNullOrWhiteSpace(SmtpHost);

    public string FromAddress(Uri site) => string.IsNullOrWhiteSpace(From) ? $"Paperboy <paperboy@{site.Host}>" : From;

    /// <summary>The one parser of the mail variables (<c>PAPERBOY_SMTP_*</c>, <c>PAPERBOY_DIGEST_AT</c>, <c>PAPERBOY_TIMEZONE</c>).</summary>
    public static DigestSettings Read(SettingsReader config)
    {
        var d = new DigestSettings();
        return d with
        {
            SmtpHost = config.Text("PAPERBOY_SMTP_HOST"),
            SmtpPort = config.Int("PAPERBOY_SMTP_PORT", min: 1, max: 65535) ?? d.SmtpPort,
            SmtpUser = config.Text("PAPERBOY_SMTP_USER"),
            SmtpPassword = config.Raw("PAPERBOY_SMTP_PASSWORD"),
            From = config.Text("PAPERBOY_SMTP_FROM"),
            DigestAt = config.TimeOfDay("PAPERBOY_DIGEST_AT") ?? d.DigestAt,
            TimeZone = config.TimeZone("PAPERBOY_TIMEZONE") ?? d.TimeZone,
        };
    }
}
