using System.Globalization;
using Paperboy.Harvest;

namespace Paperboy.Thumbnails;

/// <summary>
/// Whether and from where paper pictures are fetched (<c>PAPERBOY_THUMBNAILS*</c>). Off unless the operator
/// asks: by default it follows the Hugging Face harvest (an operator who lets the site reach huggingface.co
/// for papers expects its pictures too), and only hosts on <see cref="Hosts"/> are ever contacted.
/// </summary>
public sealed record ThumbnailSettings
{
    public bool Enabled { get; init; }
    /// <summary>Hosts pictures may come from; a name also covers its subdomains (huggingface.co: cdn-thumbnails.huggingface.co).</summary>
    public IReadOnlyList<string> Hosts { get; init; } = ["huggingface.co"];
    /// <summary>Loopback and private addresses are refused (SSRF) unless the operator allows them (a mirror on the LAN, tests).</summary>
    public bool AllowPrivate { get; init; }
    /// <summary>Width of the stored picture, in pixels (cards show it at about half, for sharp high-density screens).</summary>
    public int Width { get; init; } = 320;
    /// <summary>A download larger than this is not a thumbnail: skipped.</summary>
    public long MaxBytes { get; init; } = 5 * 1024 * 1024;
    /// <summary>Widest or tallest source picture decoded; beyond it a header is a decompression bomb or not a thumbnail.</summary>
    public int MaxSide { get; init; } = 8000;
    public long MaxPixels { get; init; } = 24_000_000;
    /// <summary>Pause between two downloads, as with the harvest's sources.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How often the worker looks for papers whose picture is not fetched yet.</summary>
    public TimeSpan Idle { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Network failures are tried again this many times in all, an hour apart and doubling.</summary>
    public int Attempts { get; init; } = 3;
    public string UserAgent { get; init; } = new HarvestSettings().UserAgent;
    public string? ConfigurationError { get; init; }

    public bool AllowsHost(string host) =>
        Hosts.Any(h => host.Equals(h, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + h, StringComparison.OrdinalIgnoreCase));

    public static ThumbnailSettings FromEnvironment(HarvestSettings harvest) => FromLookup(Environment.GetEnvironmentVariable, harvest);

    /// <summary>A typo turns thumbnails off with the reason logged; the site still starts.</summary>
    public static ThumbnailSettings FromLookup(Func<string, string?> env, HarvestSettings harvest)
    {
        string? Get(string name) => string.IsNullOrWhiteSpace(env(name)) ? null : env(name)!.Trim();
        var d = new ThumbnailSettings { UserAgent = harvest.UserAgent };
        try
        {
            return d with
            {
                Enabled = Switch("PAPERBOY_THUMBNAILS", Get("PAPERBOY_THUMBNAILS")) ?? harvest.Jobs().Contains(HfHarvester.Source),
                Hosts = Get("PAPERBOY_THUMBNAILS_HOSTS") is { } hosts
                    ? hosts.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(h => h.TrimStart('*', '.')).ToList()
                    : d.Hosts,
                AllowPrivate = Switch("PAPERBOY_THUMBNAILS_ALLOW_PRIVATE", Get("PAPERBOY_THUMBNAILS_ALLOW_PRIVATE")) ?? false,
                Interval = Get("PAPERBOY_THUMBNAILS_INTERVAL") is not { } s ? d.Interval
                    : double.TryParse(s, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) && seconds >= 0 ? TimeSpan.FromSeconds(seconds)
                    : throw new FormatException($"PAPERBOY_THUMBNAILS_INTERVAL must be seconds, 0 or more; got '{s}'"),
            };
        }
        catch (FormatException ex)
        {
            return d with { Enabled = false, ConfigurationError = ex.Message };
        }
    }

    static bool? Switch(string name, string? value) => value?.ToLowerInvariant() switch
    {
        null => null,
        "on" or "1" or "true" or "yes" => true,
        "off" or "0" or "false" or "no" => false,
        _ => throw new FormatException($"{name} must be on or off; got '{value}'"),
    };
}
