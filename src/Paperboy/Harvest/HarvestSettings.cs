using System.Globalization;

namespace Paperboy.Harvest;

/// <summary>
/// What is harvested, from where, when and how politely. Read from the environment
/// (<c>PAPERBOY_HARVEST_*</c>, <c>PAPERBOY_CONTACT</c>, <c>PAPERBOY_PUBLIC_URL</c>); tests build one directly.
/// </summary>
public sealed record HarvestSettings
{
    /// <summary>Sources the scheduler runs in <c>serve</c>: "hf", "arxiv". Empty by default: harvesting is opt-in.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];
    public IReadOnlyList<string> ArxivSets { get; init; } = ["cs"];
    /// <summary>Time of day (UTC) of the daily run.</summary>
    public TimeOnly At { get; init; } = new(6, 0);

    public Uri HfBaseUrl { get; init; } = new("https://huggingface.co");
    public Uri ArxivOaiUrl { get; init; } = new("https://oaipmh.arxiv.org/oai");
    public Uri ArxivApiUrl { get; init; } = new("https://export.arxiv.org/api/query");

    /// <summary>arXiv asks for at most one request every 3 s; below that is only honoured off arxiv.org (tests).</summary>
    public TimeSpan ArxivInterval { get; init; } = TimeSpan.FromSeconds(3);
    public TimeSpan HfInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Tries per request, the first included.</summary>
    public int Attempts { get; init; } = 4;
    /// <summary>First backoff after a failed try; doubles each time, with ±50 % jitter.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>A Retry-After longer than this ends the run instead of holding it for hours.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(10);

    public string? Contact { get; init; }
    public string? PublicUrl { get; init; }

    /// <summary>Sources identify us so their operators can reach a person before blocking an address.</summary>
    public string UserAgent
    {
        get
        {
            var parts = new List<string>();
            if (!string.IsNullOrWhiteSpace(PublicUrl)) parts.Add("+" + PublicUrl.Trim());
            parts.Add(string.IsNullOrWhiteSpace(Contact) ? "self-hosted; contact not configured" : "mailto:" + Contact.Trim());
            return $"Paperboy/1.0 ({string.Join("; ", parts)})";
        }
    }

    /// <summary>What the scheduler runs, by harvest_state source key: "hf", and "arxiv:SET" for each set.</summary>
    public IReadOnlyList<string> Jobs() =>
        Sources.SelectMany(s => s switch
        {
            "hf" => new[] { HfHarvester.Source },
            "arxiv" => ArxivSets.Select(ArxivHarvester.SourceFor),
            _ => [],
        }).Distinct().ToList();

    public static HarvestSettings FromEnvironment() => FromLookup(Environment.GetEnvironmentVariable);

    /// <summary>Set when the configuration could not be read: <c>serve</c> then runs with harvesting off and says why.</summary>
    public string? ConfigurationError { get; init; }

    /// <summary>For <c>serve</c>: a typo in a harvest setting turns harvesting off with a clear error; the site still starts.</summary>
    public static HarvestSettings FromEnvironmentOrOff() => FromLookupOrOff(Environment.GetEnvironmentVariable);

    public static HarvestSettings FromLookupOrOff(Func<string, string?> env)
    {
        try { return FromLookup(env); }
        catch (FormatException ex) { return new HarvestSettings { ConfigurationError = ex.Message }; }
    }

    public static HarvestSettings FromLookup(Func<string, string?> env)
    {
        var d = new HarvestSettings();
        string? Get(string name) => string.IsNullOrWhiteSpace(env(name)) ? null : env(name)!.Trim();
        static IReadOnlyList<string> List(string value) =>
            value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        TimeSpan Seconds(string name, TimeSpan fallback)
        {
            if (Get(name) is not { } s) return fallback;
            var seconds = double.Parse(s, CultureInfo.InvariantCulture);
            return double.IsFinite(seconds) && seconds >= 0
                ? TimeSpan.FromSeconds(seconds)
                : throw new FormatException($"{name} must be a number of seconds, 0 or more; got '{s}'");
        }

        try
        {
            return d with
            {
                Sources = Get("PAPERBOY_HARVEST_SOURCES") is { } sources ? List(sources.ToLowerInvariant()) : d.Sources,
                ArxivSets = Get("PAPERBOY_HARVEST_ARXIV_SETS") is { } sets ? List(sets) : d.ArxivSets,
                At = Get("PAPERBOY_HARVEST_AT") is { } at ? TimeOnly.ParseExact(at, "HH:mm", CultureInfo.InvariantCulture) : d.At,
                HfBaseUrl = Get("PAPERBOY_HARVEST_HF_URL") is { } hf ? new Uri(hf) : d.HfBaseUrl,
                ArxivOaiUrl = Get("PAPERBOY_HARVEST_ARXIV_URL") is { } oai ? new Uri(oai) : d.ArxivOaiUrl,
                ArxivApiUrl = Get("PAPERBOY_HARVEST_ARXIV_API_URL") is { } api ? new Uri(api) : d.ArxivApiUrl,
                ArxivInterval = Seconds("PAPERBOY_HARVEST_ARXIV_INTERVAL", d.ArxivInterval),
                HfInterval = Seconds("PAPERBOY_HARVEST_HF_INTERVAL", d.HfInterval),
                Timeout = Seconds("PAPERBOY_HARVEST_TIMEOUT", d.Timeout),
                Backoff = Seconds("PAPERBOY_HARVEST_BACKOFF", d.Backoff),
                Attempts = Get("PAPERBOY_HARVEST_ATTEMPTS") is { } n ? Math.Max(1, int.Parse(n, CultureInfo.InvariantCulture)) : d.Attempts,
                Contact = Get("PAPERBOY_CONTACT"),
                PublicUrl = Get("PAPERBOY_PUBLIC_URL"),
            };
        }
        catch (Exception ex) when (ex is FormatException or UriFormatException or OverflowException)
        {
            throw new FormatException($"harvest configuration: {ex.Message}", ex);
        }
    }

    /// <summary>The interval actually used for an arXiv host: never under 3 s on arxiv.org, whatever the setting.</summary>
    public static TimeSpan PoliteInterval(Uri url, TimeSpan configured) =>
        url.Host.Equals("arxiv.org", StringComparison.OrdinalIgnoreCase) || url.Host.EndsWith(".arxiv.org", StringComparison.OrdinalIgnoreCase)
            ? TimeSpan.FromTicks(Math.Max(configured.Ticks, TimeSpan.FromSeconds(3).Ticks))
            : configured;
}
