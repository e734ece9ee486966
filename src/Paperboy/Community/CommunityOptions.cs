using System.Globalization;

namespace Paperboy.Community;

/// <summary>
/// The knobs of the community features. Defaults suit a public instance; an operator sets them with
/// environment variables (<c>PAPERBOY_SUBMISSION_WINDOW_DAYS</c>, ...) and tests through configuration (<c>Community:...</c>).
/// </summary>
public sealed class CommunityOptions
{
    /// <summary>Where submissions look up papers the catalog does not know (arXiv's Atom API).</summary>
    public string ArxivApiUrl { get; set; } = "https://export.arxiv.org/api/query";
    public int ArxivTimeoutSeconds { get; set; } = 15;

    /// <summary>A paper may be submitted up to this many days after its first arXiv version.</summary>
    public int SubmissionWindowDays { get; set; } = 14;
    public int SubmissionsPerDay { get; set; } = 5;

    public int LockoutFailures { get; set; } = 5;
    public int LockoutMinutes { get; set; } = 15;

    // Rate limits, per member when signed in and per client address otherwise. Generous for people,
    // tight enough that a script cannot guess passwords, flood comments or churn votes.
    public int SignInsPerMinute { get; set; } = 10;
    public int RegistrationsPerHour { get; set; } = 10;
    public int VotesPerMinute { get; set; } = 120;
    public int CommentsPerMinute { get; set; } = 10;
    public int SubmissionsPerHour { get; set; } = 20;

    /// <summary>Set when outgoing mail is configured (<c>PAPERBOY_SMTP_HOST</c>); password resets by email need it.</summary>
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 25;
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }
    public string SmtpFrom { get; set; } = "paperboy@localhost";
    /// <summary>STARTTLS; on by default whenever credentials are configured, so they never cross the network in clear.</summary>
    public bool? SmtpStartTls { get; set; }
    /// <summary>Links in emails are built on this, never on the request's Host header (which a client chooses).</summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// Reverse proxies whose <c>X-Forwarded-For</c>/<c>-Proto</c> are believed (<c>PAPERBOY_TRUSTED_PROXIES</c>):
    /// addresses or CIDR ranges, separated by commas or spaces. None by default, not even loopback: a proxy
    /// on this machine that forwards a client's own header unchanged would otherwise let every client
    /// pick its address, and with it dodge the per-address sign-in and registration limits.
    /// </summary>
    public string? TrustedProxies { get; set; }

    /// <summary>
    /// Who may read <c>/metrics</c>: admins (session or API token) always; a scraper that sends
    /// <c>Authorization: Bearer</c> with this secret (<c>PAPERBOY_METRICS_TOKEN</c>); everyone when
    /// <see cref="PublicMetrics"/> (<c>PAPERBOY_METRICS=public</c>).
    /// </summary>
    public string? MetricsToken { get; set; }
    public bool PublicMetrics { get; set; }

    /// <summary>Reset links can be mailed only with a mail server and a known public address.</summary>
    public bool CanEmailResets => !string.IsNullOrWhiteSpace(SmtpHost) && !string.IsNullOrWhiteSpace(PublicUrl);

    public static CommunityOptions From(IConfiguration configuration)
    {
        var options = new CommunityOptions();
        options.ArxivApiUrl = Env("PAPERBOY_ARXIV_API_URL") ?? options.ArxivApiUrl;
        options.SubmissionWindowDays = EnvInt("PAPERBOY_SUBMISSION_WINDOW_DAYS") ?? options.SubmissionWindowDays;
        options.SubmissionsPerDay = EnvInt("PAPERBOY_SUBMISSIONS_PER_DAY") ?? options.SubmissionsPerDay;
        options.SmtpHost = Env("PAPERBOY_SMTP_HOST");
        options.SmtpPort = EnvInt("PAPERBOY_SMTP_PORT") ?? options.SmtpPort;
        options.SmtpUser = Env("PAPERBOY_SMTP_USER");
        options.SmtpPassword = Env("PAPERBOY_SMTP_PASSWORD");
        options.SmtpFrom = Env("PAPERBOY_SMTP_FROM") ?? options.SmtpFrom;
        options.PublicUrl = Env("PAPERBOY_PUBLIC_URL");
        options.TrustedProxies = Env("PAPERBOY_TRUSTED_PROXIES");
        options.MetricsToken = Env("PAPERBOY_METRICS_TOKEN");
        options.PublicMetrics = string.Equals(Env("PAPERBOY_METRICS"), "public", StringComparison.OrdinalIgnoreCase);
        // Explicit configuration (tests, appsettings) wins over the environment.
        configuration.GetSection("Community").Bind(options);
        return options;
    }

    static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    static int? EnvInt(string name) =>
        int.TryParse(Env(name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
}
