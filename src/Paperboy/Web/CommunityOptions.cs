using System.Net;
using Paperboy.Config;

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

    public static CommunityOptions Read(SettingsReader config)
    {
        var options = new CommunityOptions();
        options.SubmissionWindowDays = config.Int("PAPERBOY_SUBMISSION_WINDOW_DAYS") ?? options.SubmissionWindowDays;
        options.SubmissionsPerDay = config.Int("PAPERBOY_SUBMISSIONS_PER_DAY") ?? options.SubmissionsPerDay;
        options.PublicUrl = config.Text("PAPERBOY_PUBLIC_URL");
        options.TrustedProxies = config.Text("PAPERBOY_TRUSTED_PROXIES");
        options.MetricsToken = config.Raw("PAPERBOY_METRICS_TOKEN");
        options.PublicMetrics = config.OneOf("PAPERBOY_METRICS", "public", "private") == "public";
        // Explicit configuration (tests, appsettings) wins over the environment.
        config.Configuration.GetSection("Community").Bind(options);
        foreach (var entry in options.Proxies().Where(p => p.Address is null && p.Network is null))
            config.Fail("PAPERBOY_TRUSTED_PROXIES", entry.Entry, "is neither an IP address nor a CIDR range (e.g. 127.0.0.1, 10.0.0.0/8)");
        return options;
    }

    /// <summary>Each entry of <see cref="TrustedProxies"/>: an address, a CIDR range, or (refused at start) neither.</summary>
    public IEnumerable<(string Entry, IPAddress? Address, IPNetwork? Network)> Proxies() =>
        (TrustedProxies ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(entry =>
            entry.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(entry, out var network) ? (entry, null, network)
            : IPAddress.TryParse(entry, out var address) ? (entry, address, (IPNetwork?)null)
            : (entry, (IPAddress?)null, (IPNetwork?)null));
}
