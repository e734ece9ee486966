using System.Net;
using System.Net.Mail;

namespace Paperboy.Community;

/// <summary>
/// Mails password-reset links over the configured SMTP server. Sending happens after the response,
/// so a request for a known email takes as long as one for an unknown email.
/// </summary>
public sealed class ResetMailer(CommunityOptions options, ILogger<ResetMailer> logger)
{
    public void SendInBackground(User user, string token)
    {
        var link = $"{options.PublicUrl!.TrimEnd('/')}/reset?token={Uri.EscapeDataString(token)}";
        _ = Task.Run(async () =>
        {
            try { await SendAsync(user.Email, link); }
            catch (Exception ex) when (ex is SmtpException or IOException or InvalidOperationException)
            {
                // The token is never logged; the member can ask again.
                logger.LogWarning("Could not mail a password reset to member {Member}: {Error}", user.Id, ex.Message);
            }
        });
    }

    async Task SendAsync(string to, string link)
    {
        using var message = new MailMessage(options.SmtpFrom, to)
        {
            Subject = "Reset your Paperboy password",
            Body = "Someone (hopefully you) asked to reset the password of your Paperboy account.\r\n\r\n" +
                   $"Choose a new password here within the next hour:\r\n{link}\r\n\r\n" +
                   "If it was not you, ignore this email: your password stays as it is.\r\n",
            BodyTransferEncoding = System.Net.Mime.TransferEncoding.SevenBit,
        };
        using var client = new SmtpClient(options.SmtpHost, options.SmtpPort)
        {
            EnableSsl = options.SmtpStartTls ?? !string.IsNullOrEmpty(options.SmtpUser),
            Timeout = 30_000,
        };
        if (!string.IsNullOrEmpty(options.SmtpUser)) client.Credentials = new NetworkCredential(options.SmtpUser, options.SmtpPassword);
        await client.SendMailAsync(message);
    }
}
