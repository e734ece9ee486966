using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Paperboy.Syndication;

namespace Paperboy.Digests;

public sealed record DeliveryReport(bool SmtpConfigured, int Sent, int Failed, long Pending, string? LastError);

/// <summary>
/// Delivers due outbox rows over SMTP. Each row is claimed with a lease first and marked sent
/// right after the server accepted it. The one way a message goes out twice: the process dies
/// after the server's "250 OK" and before the UPDATE that records it; the lease then expires and
/// another sender sends it again, with the same Message-ID (derived from the row id) so mail
/// systems can drop the copy.
/// </summary>
public sealed class OutboxSender(Outbox outbox, DigestSettings settings, SiteUrl site, ILogger<OutboxSender> logger, TimeProvider time)
{
    static readonly TimeSpan SmtpTimeout = TimeSpan.FromSeconds(30);

    /// <remarks>Now is asked of the app's <see cref="TimeProvider"/> before each step; tests move a fake one forward to make retries due.</remarks>
    public async Task<DeliveryReport> DeliverAsync(CancellationToken ct = default)
    {
        if (!settings.SmtpConfigured) return new DeliveryReport(false, 0, 0, await outbox.PendingCountAsync(ct), null);
        await outbox.CancelUnwantedAsync(ct);
        int sent = 0, failed = 0;
        string? lastError = null;
        while (!ct.IsCancellationRequested)
        {
            var owner = Storage.LeasedRows.NewOwner();
            var now = time.GetUtcNow();
            var until = now + settings.Lease;
            var batch = await outbox.ClaimAsync(owner, now, until, settings.BatchSize, ct);
            if (batch.Count == 0) break;
            int s, f;
            string? error;
            bool serverDown;
            try { (s, f, error, serverDown) = await SendBatchAsync(batch, owner, until, ct); }
            finally { await outbox.ReleaseAsync(owner, CancellationToken.None); }
            sent += s;
            failed += f;
            lastError = error ?? lastError;
            // An unreachable server fails every row alike: leave the rest for the next run instead of spinning.
            if (serverDown) break;
        }
        return new DeliveryReport(true, sent, failed, await outbox.PendingCountAsync(ct), lastError);
    }

    async Task<(int Sent, int Failed, string? Error, bool ServerDown)> SendBatchAsync(
        IReadOnlyList<OutboxRow> batch, string owner, DateTimeOffset until, CancellationToken ct)
    {
        int sent = 0, failed = 0;
        string? lastError = null;
        SmtpClient? client = null;
        try
        {
            foreach (var row in batch)
            {
                // Never start a send that could outlive the lease: another sender may take the row then.
                if (time.GetUtcNow() + SmtpTimeout + TimeSpan.FromSeconds(30) > until) break;
                try
                {
                    client ??= await ConnectAsync(ct);
                }
                catch (Exception ex) when (IsSmtpFailure(ex))
                {
                    lastError = $"cannot reach SMTP server {settings.SmtpHost}:{settings.SmtpPort}: {ex.Message}";
                    logger.LogWarning("{Error}", lastError);
                    foreach (var r in batch.SkipWhile(r => r != row))
                    {
                        await outbox.MarkFailedAsync(r, owner, lastError, time.GetUtcNow(), settings, CancellationToken.None);
                        failed++;
                    }
                    return (sent, failed, lastError, true);
                }
                try
                {
                    await client.SendAsync(ToMessage(row), ct);
                }
                catch (Exception ex) when (IsSmtpFailure(ex))
                {
                    var error = ex is SmtpCommandException command ? $"SMTP {(int)command.StatusCode} {command.ErrorCode}: {ex.Message}" : ex.Message;
                    lastError = $"{row.Recipient}: {error}";
                    logger.LogWarning("Sending outbox row {Id} failed (attempt {Attempt}): {Error}", row.Id, row.Attempts + 1, error);
                    await outbox.MarkFailedAsync(row, owner, error, time.GetUtcNow(), settings, CancellationToken.None);
                    failed++;
                    // A refused recipient leaves the session usable; a dropped connection does not.
                    if (!client.IsConnected) { client.Dispose(); client = null; }
                    continue;
                }
                // Accepted by the server: record it even if we are being cancelled, or it would be sent again.
                if (await outbox.MarkSentAsync(row, owner, time.GetUtcNow(), CancellationToken.None)) sent++;
                else logger.LogWarning("Outbox row {Id} was sent after its lease passed to another sender", row.Id);
            }
        }
        finally
        {
            if (client is not null)
            {
                try { if (client.IsConnected) await client.DisconnectAsync(true, CancellationToken.None); }
                catch (Exception ex) when (IsSmtpFailure(ex)) { }
                client.Dispose();
            }
        }
        return (sent, failed, lastError, false);
    }

    async Task<SmtpClient> ConnectAsync(CancellationToken ct)
    {
        var client = new SmtpClient { Timeout = (int)SmtpTimeout.TotalMilliseconds };
        try
        {
            // 465 speaks TLS from the first byte; elsewhere upgrade with STARTTLS when the server offers it.
            var security = settings.SmtpPort == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable;
            // Our own socket with Nagle off: the message's last small write (".\r\n") would otherwise wait
            // for the server's delayed ACK, ~40 ms per message, which capped sending at ~20 messages a second.
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(SmtpTimeout);
                try { await socket.ConnectAsync(settings.SmtpHost ?? "", settings.SmtpPort, timeout.Token); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"no answer within {SmtpTimeout.TotalSeconds} s");
                }
                await client.ConnectAsync(socket, settings.SmtpHost ?? "", settings.SmtpPort, security, ct);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            if (!string.IsNullOrEmpty(settings.SmtpUser)) await client.AuthenticateAsync(settings.SmtpUser, settings.SmtpPassword ?? "", ct);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    MimeMessage ToMessage(OutboxRow row)
    {
        var from = MailboxAddress.Parse(settings.FromAddress(site.ForEmail));
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(row.Recipient));
        message.Subject = row.Subject;
        // The same row always has the same Message-ID, so a copy re-sent after a crash can be recognised.
        message.MessageId = $"paperboy.outbox.{row.Id}@{site.ForEmail.Host}";
        if (row.UnsubscribeUrl is not null)
        {
            // RFC 2369 + RFC 8058: mail clients show an unsubscribe button that POSTs to the URL, no page visit needed.
            message.Headers.Add("List-Unsubscribe", $"<{row.UnsubscribeUrl}>, <mailto:{from.Address}?subject=unsubscribe>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            message.Headers.Add("List-Id", $"Paperboy {row.Kind} digest <{row.Kind}.paperboy.{site.ForEmail.Host}>");
        }
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Body = new BodyBuilder { TextBody = row.Text ?? "", HtmlBody = row.Html ?? "" }.ToMessageBody();
        return message;
    }

    static bool IsSmtpFailure(Exception ex) =>
        ex is SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException or ServiceNotAuthenticatedException
            or AuthenticationException or SslHandshakeException or IOException or System.Net.Sockets.SocketException
            or TimeoutException or OperationCanceledException { CancellationToken.IsCancellationRequested: false };
}
