using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Paperboy.Harvest;

/// <summary>How a fetch failed for good, after its retries.</summary>
public enum FetchFailure
{
    /// <summary>No connection could be made (DNS, refused, no route): the network or the source is down.</summary>
    Unreachable,
    /// <summary>Connected, but no complete answer within the timeout.</summary>
    Timeout,
    /// <summary>An HTTP error status that retrying did not cure, or that retrying cannot cure (4xx).</summary>
    Status,
    /// <summary>A 200 whose body is truncated or not what the source sends.</summary>
    Malformed,
}

public sealed class FetchException(FetchFailure kind, string message, int? status = null, Exception? inner = null)
    : Exception(message, inner)
{
    public FetchFailure Kind { get; } = kind;
    public int? Status { get; } = status;
    /// <summary>Unreachable and timed out sources are shown as "unreachable" on the admin page.</summary>
    public bool IsUnreachable => Kind is FetchFailure.Unreachable or FetchFailure.Timeout;
}

public sealed record FetchPolicy(TimeSpan MinInterval, TimeSpan Timeout, int Attempts, TimeSpan Backoff, TimeSpan MaxRetryAfter);

/// <summary>
/// An HTTP client for one source that behaves as its operators ask: one connection, one request
/// at a time, at least <see cref="FetchPolicy.MinInterval"/> between the end of a response and the
/// next request, Retry-After obeyed for everyone using this client, timeouts, and retries with
/// exponential backoff and jitter. One instance per source for the whole process, so that a
/// harvest and an on-demand lookup share the same budget.
/// </summary>
public sealed class PoliteHttp : IDisposable
{
    readonly HttpClient _client;
    readonly SemaphoreSlim _gate = new(1, 1);
    readonly ILogger _logger;
    readonly FetchPolicy _policy;
    readonly TimeProvider _time;
    long _nextAllowed; // Stopwatch ticks; guarded by _gate

    public PoliteHttp(FetchPolicy policy, string userAgent, string? contact, ILogger logger, HttpMessageHandler? handler = null,
        TimeProvider? time = null)
    {
        _policy = policy;
        _time = time ?? TimeProvider.System;
        _logger = logger;
        handler ??= new SocketsHttpHandler
        {
            // One connection per server, as arXiv asks; our gate already serialises requests.
            MaxConnectionsPerServer = 1,
            ConnectTimeout = policy.Timeout,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        // Our own per-request timeout covers headers and body; HttpClient's would only add a second clock.
        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        if (!string.IsNullOrWhiteSpace(contact) && contact.Contains('@', StringComparison.Ordinal))
            _client.DefaultRequestHeaders.From = contact.Trim(); // RFC 9110 §10.1.2: who to contact about a robot
    }

    public FetchPolicy Policy => _policy;

    /// <summary>
    /// GETs <paramref name="url"/> and returns the body of a 2xx answer. <paramref name="validate"/>
    /// returns why a body is unusable (truncated, not JSON...), which is retried like a network error.
    /// Throws <see cref="FetchException"/> when every try failed; <see cref="OperationCanceledException"/> only for <paramref name="ct"/>.
    /// </summary>
    public async Task<byte[]> GetAsync(Uri url, Func<byte[], string?>? validate, CancellationToken ct)
    {
        // A server that says when to come back (arXiv's OAI flow control does so routinely) is obeyed
        // without using up the tries meant for failures, up to this many times per request.
        const int MaxPolitePauses = 10;
        var pauses = 0;
        for (var attempt = 1; ; attempt++)
        {
            var (failure, message, status, retryAfter, body) = await TryOnceAsync(url, ct);
            if (failure is null)
            {
                var problem = validate?.Invoke(body!);
                if (problem is null) return body!;
                (failure, message) = (FetchFailure.Malformed, problem);
            }

            // A client error other than 408/429 will not change by asking again.
            var retriable = failure != FetchFailure.Status || status is 408 or 429 or >= 500;
            if (retryAfter is { } ra && ra > _policy.MaxRetryAfter)
            {
                throw new FetchException(FetchFailure.Status,
                    $"GET {url}: {message}; the server asks to wait {ra.TotalSeconds:0} s, longer than the {_policy.MaxRetryAfter.TotalSeconds:0} s we wait", status);
            }
            if (retryAfter is not null && retriable && pauses < MaxPolitePauses)
            {
                pauses++;
                attempt--;
            }
            else if (!retriable || attempt >= _policy.Attempts)
            {
                var tries = attempt + pauses == 1 ? "" : $" after {attempt + pauses} tries";
                throw new FetchException(failure.Value, $"GET {url}: {message}{tries}", status);
            }

            var delay = retryAfter ?? Backoff(attempt);
            _logger.LogDebug("GET {Url}: {Problem}; asking again in {Delay:0.0} s", url, message, delay.TotalSeconds);
            if (retryAfter is not null)
            {
                // Retry-After speaks for the whole host: every request through this client waits.
                await _gate.WaitAsync(ct);
                try { _nextAllowed = Math.Max(_nextAllowed, Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency)); }
                finally { _gate.Release(); }
            }
            else
            {
                await Task.Delay(delay, ct);
            }
        }
    }

    TimeSpan Backoff(int attempt)
    {
        var exponential = _policy.Backoff.TotalSeconds * Math.Pow(2, attempt - 1);
        var jittered = exponential * (0.5 + Random.Shared.NextDouble()); // spreads retries of many instances
        return TimeSpan.FromSeconds(Math.Min(jittered, 300));
    }

    async Task<(FetchFailure? Failure, string Message, int? Status, TimeSpan? RetryAfter, byte[]? Body)> TryOnceAsync(Uri url, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var now = Stopwatch.GetTimestamp();
            if (_nextAllowed > now) await Task.Delay(Stopwatch.GetElapsedTime(now, _nextAllowed), ct);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_policy.Timeout);
            try
            {
                using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                    return (null, "", status, null, body);
                }
                var retryAfter = RetryAfter(response);
                return (FetchFailure.Status, $"HTTP {status} {response.ReasonPhrase}".TrimEnd(), status, retryAfter, null);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return (FetchFailure.Timeout, $"no answer within {_policy.Timeout.TotalSeconds:0.#} s", null, null, null);
            }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
            {
                return (FetchFailure.Unreachable, $"unreachable ({Describe(ex)})", null, null, null);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                // The connection broke mid-answer: a truncated body from the transport's point of view.
                return (FetchFailure.Malformed, $"connection broken mid-response ({Describe(ex)})", null, null, null);
            }
        }
        finally
        {
            // The interval runs from the end of one exchange to the start of the next.
            var earliest = Stopwatch.GetTimestamp() + (long)(_policy.MinInterval.TotalSeconds * Stopwatch.Frequency);
            _nextAllowed = Math.Max(_nextAllowed, earliest);
            _gate.Release();
        }
    }

    TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        // A 503 without Retry-After is still a "slow down": back off as for any other failure.
        return null;
    }

    static string Describe(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return inner is SocketException s ? s.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => "host not found",
            SocketError.NetworkUnreachable or SocketError.HostUnreachable => "no route to host",
            SocketError.TimedOut => "connection timed out",
            _ => inner.Message,
        } : inner.Message;
    }

    public void Dispose()
    {
        _client.Dispose();
        _gate.Dispose();
    }
}
