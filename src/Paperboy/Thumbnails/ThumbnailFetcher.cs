using System.Net;
using Paperboy.Webhooks;

namespace Paperboy.Thumbnails;

/// <summary>What came of one download: the bytes, or why not and whether asking again later may help.</summary>
public sealed record FetchedPicture(byte[]? Bytes, string? Error, bool Transient);

/// <summary>What one kind of download may take: bytes, time (headers to last byte) and what it asks for.</summary>
public sealed record FetchLimits(long MaxBytes, TimeSpan Timeout, string Accept);

/// <summary>
/// Downloads one picture: only from the operator's hosts (<see cref="ThumbnailSettings.Hosts"/>), only to
/// public addresses unless allowed (the webhooks' SSRF guard, checked on every connection so a DNS answer
/// cannot change in between), redirects followed by hand so each hop is checked, and never more than
/// <see cref="FetchLimits.MaxBytes"/> read (a picture's <see cref="ThumbnailSettings.MaxBytes"/>, or a PDF's).
/// </summary>
public sealed class ThumbnailFetcher : IDisposable
{
    const int MaxRedirects = 3;
    readonly HttpClient _client;
    readonly ThumbnailSettings _settings;

    public ThumbnailFetcher(ThumbnailSettings settings)
    {
        _settings = settings;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = 1,
            ConnectTimeout = settings.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = (context, ct) => WebhookAddress.ConnectAsync(context, settings.AllowPrivate, ct),
        };
        // The time limit is per download (FetchLimits) and covers the body too, which HttpClient.Timeout does not.
        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd(settings.UserAgent);
        Picture = new(settings.MaxBytes, settings.Timeout, "image/webp,image/png,image/jpeg,image/*;q=0.8");
    }

    public FetchLimits Picture { get; }

    /// <summary>Why <paramref name="url"/> may not be fetched at all (not http(s), a host not configured), or null.</summary>
    public string? Refusal(string url) =>
        Feed.SafeUrl.Http(url) is not { } safe ? "not an http(s) address"
        : !_settings.AllowsHost(new Uri(safe).Host) ? $"host {new Uri(safe).Host} is not on PAPERBOY_THUMBNAILS_HOSTS ({string.Join(", ", _settings.Hosts)})"
        : null;

    public Task<FetchedPicture> GetAsync(string url, CancellationToken ct) => GetAsync(url, Picture, ct);

    public async Task<FetchedPicture> GetAsync(string url, FetchLimits limits, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limits.Timeout);
        var current = new Uri(url);
        for (var hop = 0; ; hop++)
        {
            if (Refusal(current.ToString()) is { } refused) return new(null, refused, false);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                request.Headers.Accept.ParseAdd(limits.Accept);
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop >= MaxRedirects) return new(null, $"more than {MaxRedirects} redirects", false);
                    current = new Uri(current, location);
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                    return new(null, $"HTTP {status}", status is 408 or 429 or >= 500);
                if (response.Content.Headers.ContentLength is > 0 and var length && length > limits.MaxBytes)
                    return new(null, $"{length:N0} bytes, over the {limits.MaxBytes:N0} byte limit", false);
                await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                var buffer = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(chunk, timeout.Token)) > 0)
                {
                    buffer.Write(chunk, 0, read);
                    if (buffer.Length > limits.MaxBytes) return new(null, $"over the {limits.MaxBytes:N0} byte limit", false);
                }
                return new(buffer.ToArray(), null, false);
            }
            catch (HttpRequestException ex) when (Inner<WebhookRefusedException>(ex) is { } refusal)
            {
                // A name that does not resolve now may later (DNS trouble): tried again; an internal address is not.
                return refusal.Internal
                    ? new(null, $"host {current.Host} is at an internal (loopback, private or link-local) address; " +
                        "refused unless the operator sets PAPERBOY_THUMBNAILS_ALLOW_PRIVATE=1", false)
                    : new(null, $"host {current.Host} does not resolve", true);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                return new(null, ex is OperationCanceledException ? "no answer in time" : $"network error ({ex.GetBaseException().Message})", true);
            }
        }
    }

    static T? Inner<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }

    public void Dispose() => _client.Dispose();
}
