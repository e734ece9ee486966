using System.Globalization;

namespace Paperboy.Web;

/// <summary>
/// The knobs of the community features. Defaults suit a public instance; an operator sets them with
/// environment variables (<c>PAPERBOY_SUBMISSION_WINDOW_DAYS</c>, ...) and tests through configuration (<c>Community:...</c>).
/// </summary>
public sealed class CommunityOptions
{
    /// <summary>
    /// The most a member waits for arXiv when submitting a paper the catalog does not know. The lookup
    /// itself goes through the harvester's arXiv client (<c>PAPERBOY_HARVEST_ARXIV_API_URL</c>).
    /// </summary>
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

    /// <summary>The site's public address (<c>PAPERBOY_PUBLIC_URL</c>): an https one makes session cookies Secure.</summary>
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

    public static CommunityOptions From(IConfiguration configuration)
    {
        var options = new CommunityOptions();
        options.SubmissionWindowDays = EnvInt("PAPERBOY_SUBMISSION_WINDOW_DAYS") ?? options.SubmissionWindowDays;
        options.SubmissionsPerDay = EnvInt("PAPERBOY_SUBMISSIONS_PER_DAY") ?? options.SubmissionsPerDay;
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
