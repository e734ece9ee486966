using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Paperboy.Digests;
using Paperboy.Storage;
using Paperboy.Syndication;

namespace Paperboy.Webhooks;

public sealed record WebhookReport(int Sent, int Failed, int Paused);

/// <summary>
/// Posts due deliveries to their hooks: each body signed with the hook's secret
/// (<c>X-Paperboy-Signature: sha256=HEX</c>, HMAC-SHA256 of the exact bytes), every connection through the
/// address guard, each request cut off after <see cref="WebhookSettings.Timeout"/>. Hooks are served side
/// by side, one delivery at a time each, so one dead hook holds up only its own deliveries. A hook that
/// fails <see cref="WebhookSettings.MaxConsecutiveFailures"/> times in a row is paused and its owner mailed.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    const int ParallelHooks = 4;

    readonly WebhookDeliveries _deliveries;
    readonly WebhookSettings _settings;
    readonly Database _database;
    readonly SiteUrl _site;
    readonly OutboxSignal _signal;
    readonly ILogger<WebhookSender> _logger;
    readonly TimeProvider _time;
    readonly HttpClient _http;

    public WebhookSender(WebhookDeliveries deliveries, WebhookSettings settings, Database database, SiteUrl site, OutboxSignal signal, ILogger<WebhookSender> logger,
        TimeProvider time)
    {
        (_deliveries, _settings, _database, _site, _signal, _logger, _time) = (deliveries, settings, database, site, signal, logger, time);
        var handler = new SocketsHttpHandler
        {
            // A redirect could point anywhere; a receiver that moved is a failure its owner should see.
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = (context, ct) => WebhookAddress.ConnectAsync(context, settings.AllowPrivate, ct),
        };
        _http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Paperboy-Webhooks/1");
    }

    /// <summary>The signature header's value for <paramref name="body"/>: what a receiver recomputes with the secret.</summary>
    public static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <remarks>Now is asked of the app's <see cref="TimeProvider"/> before each step; tests move a fake one forward to make retries due.</remarks>
    public async Task<WebhookReport> DeliverAsync(CancellationToken ct = default)
    {
        int sent = 0, failed = 0, paused = 0;
        while (!ct.IsCancellationRequested)
        {
            var owner = LeasedRows.NewOwner();
            var now = _time.GetUtcNow();
            var until = now + _settings.Lease;
            var batch = await _deliveries.ClaimAsync(owner, now, until, _settings.BatchSize, ct);
            if (batch.Count == 0) break;
            try
            {
                await Parallel.ForEachAsync(batch.GroupBy(d => d.WebhookId), new ParallelOptions { MaxDegreeOfParallelism = ParallelHooks, CancellationToken = ct },
                    async (hook, token) =>
                    {
                        foreach (var row in hook)
                        {
                            // Never start a request that could outlive the lease: another sender may take the row then.
                            if (_time.GetUtcNow() + _settings.Timeout + TimeSpan.FromSeconds(30) > until) return;
                            var outcome = await SendAsync(row, owner, token);
                            Interlocked.Add(ref sent, outcome == Outcome.Sent ? 1 : 0);
                            Interlocked.Add(ref failed, outcome == Outcome.Sent ? 0 : 1);
                            Interlocked.Add(ref paused, outcome == Outcome.Paused ? 1 : 0);
                            // A failed hook's later deliveries wait for its retry rather than failing one after another now.
                            if (outcome != Outcome.Sent) return;
                        }
                    });
            }
            finally { await _deliveries.ReleaseAsync(owner, CancellationToken.None); }
        }
        return new WebhookReport(sent, failed, paused);
    }

    enum Outcome { Sent, Failed, Paused }

    async Task<Outcome> SendAsync(WebhookDelivery row, string owner, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(row.Body ?? "{}");
        string error;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_settings.Timeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, row.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.Add("X-Paperboy-Signature", Sign(body, row.Secret));
            request.Headers.Add("X-Paperboy-Event", row.Event);
            // The same delivery always has the same id, so a receiver can drop a copy re-sent after a crash.
            request.Headers.Add("X-Paperboy-Delivery", row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    // Accepted: record it even if we are being cancelled, or it would be posted again.
                    if (!await _deliveries.MarkSentAsync(row, owner, _time.GetUtcNow(), CancellationToken.None))
                        _logger.LogWarning("Webhook delivery {Id} was sent after its lease passed to another sender", row.Id);
                    return Outcome.Sent;
                }
                error = $"the receiver answered {(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                error = $"no answer within {_settings.Timeout.TotalSeconds:0.#} s";
            }
        }
        catch (HttpRequestException ex)
        {
            error = ex.InnerException is WebhookRefusedException refused ? refused.Message : $"cannot reach the receiver: {ex.Message}";
        }
        _logger.LogWarning("Webhook delivery {Id} to hook {Hook} failed (attempt {Attempt}): {Error}", row.Id, row.WebhookId, row.Attempts + 1, error);
        if (await _deliveries.MarkFailedAsync(row, owner, error, _time.GetUtcNow(), _settings, CancellationToken.None) is not { } paused) return Outcome.Failed;
        await TellOwnerAsync(row.WebhookId, paused.Email, paused.Url, paused.Failures, error, _time.GetUtcNow());
        return Outcome.Paused;
    }

    /// <summary>The owner of a paused hook gets an account mail through the outbox (like a password reset).</summary>
    async Task TellOwnerAsync(long hookId, string email, string url, long failures, string error, DateTimeOffset now)
    {
        var settings = new Uri(_site.ForEmail, "settings#webhooks").AbsoluteUri;
        var mail = WebhookMail.Paused(url, failures, error, settings);
        await using (var c = await _database.OpenAsync(CancellationToken.None))
        await using (var tx = await c.BeginTransactionAsync(CancellationToken.None))
        {
            await Outbox.InsertAsync(c, tx, new OutboxInsert(null, "webhook-paused", $"{hookId}/{StoredTime.Format(now)}", email, mail, null), now, CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
        }
        _signal.Notify();
        _logger.LogWarning("Webhook {Hook} paused after {Failures} failures in a row; its owner is told", hookId, failures);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The mail that tells a member their hook was paused.</summary>
public static class WebhookMail
{
    public static EmailContent Paused(string url, long failures, string error, string settingsUrl)
    {
        const string Subject = "Your Paperboy webhook was paused";
        var text = $"Paperboy stopped posting to your webhook\r\n{url}\r\nafter {failures} deliveries in a row failed.\r\n\r\n" +
                   $"The last error: {error}\r\n\r\nNothing is lost: what could not be delivered waits. Fix the receiver, then press \"Resume\" here:\r\n{settingsUrl}\r\n";
        string H(string s) => WebUtility.HtmlEncode(s);
        var html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Subject + "</title></head><body>" +
                   $"<p>Paperboy stopped posting to your webhook<br><code>{H(url)}</code><br>after {failures} deliveries in a row failed.</p>" +
                   $"<p>The last error: {H(error)}</p>" +
                   $"<p>Nothing is lost: what could not be delivered waits. Fix the receiver, then press “Resume” in your <a href=\"{H(settingsUrl)}\">settings</a>.</p></body></html>";
        return new EmailContent(Subject, html, text);
    }
}
