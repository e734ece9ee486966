using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Paperboy.Storage;

namespace Paperboy.Web;

/// <summary>
/// Prometheus text exposition at <c>/metrics</c>: request counts and latency by status class,
/// plus catalog sizes. Counters are plain interlocked longs: cheap on the hot path, no library.
/// </summary>
public sealed class Metrics(TimeProvider time)
{
    // Latency buckets in seconds; the daily page's budget is p99 < 20 ms, so resolution sits there.
    static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1, 5];

    readonly ConcurrentDictionary<string, Series> _series = new();
    readonly DateTimeOffset _started = time.GetUtcNow();

    sealed class Series
    {
        public long Count;
        public long SumTicks;
        public readonly long[] Buckets = new long[Metrics.Buckets.Length];
    }

    /// <summary>
    /// Null when the caller may read the metrics (see <see cref="Web.CommunityOptions.MetricsToken"/>), else the answer:
    /// 401 for nobody in particular, 403 for a member who is not an admin. Request counts and timings tell an
    /// outsider how busy the site is and when it is slow, so they are not public unless the operator says so.
    /// </summary>
    public static async Task<IResult?> MayReadAsync(HttpContext http, Web.CommunityOptions options)
    {
        if (options.PublicMetrics) return null;
        var header = http.Request.Headers.Authorization.ToString();
        if (options.MetricsToken is { Length: > 0 } secret && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()), Encoding.UTF8.GetBytes(secret)))
            return null;
        var member = await Web.SiteAuth.CurrentMemberAsync(http);
        if (member is { IsAdmin: true, Blocked: false }) return null;
        if (member is null) http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(statusCode: member is null ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden,
            title: "Metrics are private",
            detail: "Sign in as an admin, send Authorization: Bearer with PAPERBOY_METRICS_TOKEN, or set PAPERBOY_METRICS=public.");
    }

    public async Task TrackAsync(HttpContext context, Func<Task> next)
    {
        var start = Stopwatch.GetTimestamp();
        try { await next(); }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(start);
            var code = context.Response.StatusCode;
            var key = $"{context.Request.Method}|{code / 100}xx";
            var series = _series.GetOrAdd(key, _ => new Series());
            Interlocked.Increment(ref series.Count);
            Interlocked.Add(ref series.SumTicks, elapsed.Ticks);
            var seconds = elapsed.TotalSeconds;
            for (var i = 0; i < Buckets.Length; i++)
                if (seconds <= Buckets[i]) Interlocked.Increment(ref series.Buckets[i]);
        }
    }

    public async Task<string> RenderAsync(Database database, Search.PaperVectors vectors, PaperboyOptions options, long graphPapers, CancellationToken ct)
    {
        var counts = await SiteCounts.CountAsync(database, ct);
        // SPEC §10: papers with a current vector of the built-in model (0 while it is off).
        var embedded = options.BuiltInEmbedder ? await vectors.EmbeddedCountAsync(Search.NeuralEmbedder.ConfiguredModelName, ct) : 0;
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("# HELP paperboy_http_requests_total HTTP requests by method and status class.");
        sb.AppendLine("# TYPE paperboy_http_requests_total counter");
        foreach (var (key, s) in _series.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var (method, code) = Split(key);
            sb.Append(inv, $"paperboy_http_requests_total{{method=\"{method}\",code=\"{code}\"}} {s.Count}\n");
        }
        sb.AppendLine("# HELP paperboy_http_request_duration_seconds HTTP request latency.");
        sb.AppendLine("# TYPE paperboy_http_request_duration_seconds histogram");
        foreach (var (key, s) in _series.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var (method, code) = Split(key);
            var labels = $"method=\"{method}\",code=\"{code}\"";
            for (var i = 0; i < Buckets.Length; i++)
                sb.Append(inv, $"paperboy_http_request_duration_seconds_bucket{{{labels},le=\"{Buckets[i]}\"}} {Interlocked.Read(ref s.Buckets[i])}\n");
            sb.Append(inv, $"paperboy_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {s.Count}\n");
            sb.Append(inv, $"paperboy_http_request_duration_seconds_sum{{{labels}}} {TimeSpan.FromTicks(Interlocked.Read(ref s.SumTicks)).TotalSeconds}\n");
            sb.Append(inv, $"paperboy_http_request_duration_seconds_count{{{labels}}} {s.Count}\n");
        }
        // Each feature's counts (SiteCounts), then the model's.
        foreach (var count in counts)
            if (count is { Number: { } number, Help: { } help }) Gauge(sb, "paperboy_" + count.Key, help, number);
        Gauge(sb, "paperboy_papers_embedded", "Papers with a vector of the built-in model.", embedded);
        Gauge(sb, "paperboy_search_graph_papers", "Papers semantic search finds through this instance's HNSW graph (0 below 100,000 papers and until it is first built).", graphPapers);
        Gauge(sb, "paperboy_uptime_seconds", "Seconds since this process started.", (long)(time.GetUtcNow() - _started).TotalSeconds);
        return sb.ToString();
    }

    static (string Method, string Code) Split(string key)
    {
        var bar = key.IndexOf('|', StringComparison.Ordinal);
        return (key[..bar], key[(bar + 1)..]);
    }

    static void Gauge(StringBuilder sb, string name, string help, long value)
    {
        sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");
    }
}
