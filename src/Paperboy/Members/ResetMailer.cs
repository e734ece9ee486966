using System.Net;
using Paperboy.Digests;
using Paperboy.Storage;
using Paperboy.Syndication;
using Paperboy.Web;

namespace Paperboy.Members;

/// <summary>
/// Mails password-reset links through the outbox, like every other mail: the same SMTP settings
/// (<c>PAPERBOY_SMTP_*</c>), retries with backoff and exactly-once sending. The request only adds a
/// row (a few milliseconds, whether or not the email has an account, so timing tells nothing);
/// the sender in <c>serve</c> is woken at once and delivers it.
/// </summary>
public sealed class ResetMailer(Database database, DigestSettings settings, SiteUrl site, OutboxSignal signal, TimeProvider time)
{
    /// <summary>Reset links can be mailed only with a mail server and a known public address (never the request's Host).</summary>
    public bool CanSend => settings.SmtpConfigured && site.Configured is not null;

    public async Task QueueAsync(User user, string token, CancellationToken ct)
    {
        var link = new Uri(site.ForEmail, "reset?token=" + Uri.EscapeDataString(token)).AbsoluteUri;
        var mail = Compose(link);
        await using (var c = await database.OpenAsync(ct))
        await using (var tx = await c.BeginTransactionAsync(ct))
        {
            // No subscription: account mail. The period is the token's hash prefix, so each reset is a row of its own.
            await Outbox.InsertAsync(c, tx, new OutboxInsert(null, "reset", Tokens.Hash(token)[..16], user.Email, mail, null), time.GetUtcNow(), ct);
            await tx.CommitAsync(ct);
        }
        signal.Notify();
    }

    static EmailContent Compose(string link)
    {
        const string Subject = "Reset your Paperboy password";
        var text = "Someone (hopefully you) asked to reset the password of your Paperboy account.\r\n\r\n" +
                   $"Choose a new password here within the next hour:\r\n{link}\r\n\r\n" +
                   "If it was not you, ignore this email: your password stays as it is.\r\n";
        var a = WebUtility.HtmlEncode(link);
        var html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Subject + "</title></head><body>" +
                   "<p>Someone (hopefully you) asked to reset the password of your Paperboy account.</p>" +
                   $"<p>Choose a new password here within the next hour:<br><a href=\"{a}\">{a}</a></p>" +
                   "<p>If it was not you, ignore this email: your password stays as it is.</p></body></html>";
        return new EmailContent(Subject, html, text);
    }
}
