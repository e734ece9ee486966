using Paperboy.Config;

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

    /// <summary>The one parser of the harvest's variables; <c>paperboy harvest</c> and <c>serve</c> both use it.</summary>
    public static HarvestSettings Read(SettingsReader config)
    {
        var d = new HarvestSettings();
        return d with
        {
            Sources = config.List("PAPERBOY_HARVEST_SOURCES") is { } sources ? KnownSources(config, sources) : d.Sources,
            ArxivSets = config.List("PAPERBOY_HARVEST_ARXIV_SETS") ?? d.ArxivSets,
            At = config.TimeOfDay("PAPERBOY_HARVEST_AT") ?? d.At,
            HfBaseUrl = config.HttpUrl("PAPERBOY_HARVEST_HF_URL") ?? d.HfBaseUrl,
            ArxivOaiUrl = config.HttpUrl("PAPERBOY_HARVEST_ARXIV_URL") ?? d.ArxivOaiUrl,
            ArxivApiUrl = config.HttpUrl("PAPERBOY_HARVEST_ARXIV_API_URL") ?? d.ArxivApiUrl,
            ArxivInterval = config.Seconds("PAPERBOY_HARVEST_ARXIV_INTERVAL") ?? d.ArxivInterval,
            HfInterval = config.Seconds("PAPERBOY_HARVEST_HF_INTERVAL") ?? d.HfInterval,
            Timeout = config.Seconds("PAPERBOY_HARVEST_TIMEOUT") ?? d.Timeout,
            Backoff = config.Seconds("PAPERBOY_HARVEST_BACKOFF") ?? d.Backoff,
            // 0 or less has always meant one try.
            Attempts = config.Int("PAPERBOY_HARVEST_ATTEMPTS", min: int.MinValue) is { } n ? Math.Max(1, n) : d.Attempts,
            Contact = config.Text("PAPERBOY_CONTACT"),
            PublicUrl = config.Text("PAPERBOY_PUBLIC_URL"),
        };
    }

    /// <summary>A misspelt source would otherwise leave harvesting off without a word.</summary>
    static IReadOnlyList<string> KnownSources(SettingsReader config, IReadOnlyList<string> sources)
    {
        var lower = sources.Select(s => s.ToLowerInvariant()).ToList();
        foreach (var unknown in lower.Where(s => s is not ("hf" or "arxiv")))
            config.Fail("PAPERBOY_HARVEST_SOURCES", unknown, "is not a source (use hf, arxiv, or both: hf,arxiv)");
        return lower;
    }

    /// <summary>The interval actually used for an arXiv host: never under 3 s on arxiv.org, whatever the setting.</summary>
    public static TimeSpan PoliteInterval(Uri url, TimeSpan configured) =>
        url.Host.Equals("arxiv.org", StringComparison.OrdinalIgnoreCase) || url.Host.EndsWith(".arxiv.org", StringComparison.OrdinalIgnoreCase)
            ? TimeSpan.FromTicks(Math.Max(configured.Ticks, TimeSpan.FromSeconds(3).Ticks))
            : configured;
}
