using System.Globalization;

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

    public static DigestSettings FromEnvironment()
    {
        static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v.Trim() : null;
        var port = 587;
        if (Env("PAPERBOY_SMTP_PORT") is { } portText && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            throw new NotSupportedException($"PAPERBOY_SMTP_PORT must be a port number, got '{portText}'.");
        var at = new TimeOnly(7, 0);
        if (Env("PAPERBOY_DIGEST_AT") is { } atText && !TimeOnly.TryParseExact(atText, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out at))
            throw new NotSupportedException($"PAPERBOY_DIGEST_AT must be a local time HH:mm, got '{atText}'.");
        var zone = TimeZoneInfo.Utc;
        if (Env("PAPERBOY_TIMEZONE") is { } zoneText)
        {
            try { zone = TimeZoneInfo.FindSystemTimeZoneById(zoneText); }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                throw new NotSupportedException($"PAPERBOY_TIMEZONE is not a known time zone: '{zoneText}' (use an IANA name such as Europe/Paris).");
            }
        }
        return new DigestSettings
        {
            SmtpHost = Env("PAPERBOY_SMTP_HOST"),
            SmtpPort = port,
            SmtpUser = Env("PAPERBOY_SMTP_USER"),
            SmtpPassword = Environment.GetEnvironmentVariable("PAPERBOY_SMTP_PASSWORD"),
            From = Env("PAPERBOY_SMTP_FROM"),
            DigestAt = at,
            TimeZone = zone,
        };
    }
}
