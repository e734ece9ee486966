using System.Net;
using System.Security.Cryptography;
using Dapper;
using Paperboy.Digests;
using Paperboy.Members;
using Paperboy.Storage;
using Paperboy.Syndication;
using Paperboy.Web;

namespace Paperboy.SignIn;

public enum ConfirmationState { Valid, Used, Invalid }

/// <summary>
/// Proves a password-registered member's address: a link mailed through the outbox (same SMTP
/// settings, retries and exactly-once sending as every other mail), valid for two days, usable once.
/// Until it is followed the account works but stays unverified: it is never linked to a single
/// sign-on identity, and features that need a proved address (<see cref="User.EmailVerified"/>) skip it.
/// </summary>
public sealed class EmailConfirmations(Database database, MemberStore members, DigestSettings settings, SiteUrl site, OutboxSignal signal, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(2);

    /// <summary>At most one confirmation mail per member in this time, so a button cannot flood an inbox.</summary>
    public static readonly TimeSpan Cooldown = TimeSpan.FromMinutes(5);

    /// <summary>Links can be mailed only with a mail server and a known public address (never the request's Host).</summary>
    public bool CanSend => settings.SmtpConfigured && site.Configured is not null;

    /// <summary>Queues a confirmation mail for the member's address; false when it is verified, mail is off, or one went out within <see cref="Cooldown"/>.</summary>
    public async Task<bool> SendAsync(User user, CancellationToken ct = default)
    {
        if (user.EmailVerified || !CanSend) return false;
        var token = Tokens.New();
        var hash = Tokens.Hash(token);
        var now = time.GetUtcNow();
        var mail = Compose(new Uri(site.ForEmail, "confirm-email?token=" + token).AbsoluteUri, user.Name);
        await using (var c = await database.OpenAsync(ct))
        await using (var tx = await c.BeginTransactionAsync(ct))
        {
            var made = await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO email_confirmations (token_hash, user_id, email, created_at, expires_at)
                SELECT @hash, @Id, @Email, @now, @expires
                WHERE NOT EXISTS (SELECT 1 FROM email_confirmations WHERE user_id = @Id AND created_at > @recent)
                """, new
            {
                hash,
                user.Id,
                user.Email,
                now = StoredTime.Format(now),
                expires = StoredTime.Format(now + Lifetime),
                recent = StoredTime.Format(now - Cooldown),
            }, tx, cancellationToken: ct));
            if (made == 0) return false;
            // Account mail, like a reset: no subscription, and the token's hash prefix makes each mail a row of its own.
            await Outbox.InsertAsync(c, tx, new OutboxInsert(null, "verify", hash[..16], user.Email, mail, null), now, ct);
            await tx.CommitAsync(ct);
        }
        signal.Notify();
        return true;
    }

    /// <summary>What a link would do, without doing it (the page a mail scanner's GET sees).</summary>
    public async Task<ConfirmationState> CheckAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return ConfirmationState.Invalid;
        await using var c = await database.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Confirmation>(new CommandDefinition(
            "SELECT user_id, email, used_at, expires_at FROM email_confirmations WHERE token_hash = @hash", new { hash = Tokens.Hash(token) }, cancellationToken: ct));
        if (row is null) return ConfirmationState.Invalid;
        if (row.UsedAt is not null) return ConfirmationState.Used;
        return string.CompareOrdinal(row.ExpiresAt, StoredTime.Format(time.GetUtcNow())) > 0 ? ConfirmationState.Valid : ConfirmationState.Invalid;
    }

    /// <summary>Uses a link once: the address it was mailed to becomes verified, if it is still the member's.</summary>
    public async Task<ConfirmationState> ConfirmAsync(string? token, CancellationToken ct = default)
    {
        var state = await CheckAsync(token, ct);
        if (state != ConfirmationState.Valid) return state;
        var now = StoredTime.Format(time.GetUtcNow());
        Confirmation? used;
        await using (var c = await database.OpenAsync(ct))
        {
            // Marking it used and reading its owner is one statement, so two clicks cannot both pass.
            used = await c.QuerySingleOrDefaultAsync<Confirmation>(new CommandDefinition(
                "UPDATE email_confirmations SET used_at = @now WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now RETURNING user_id, email, used_at, expires_at",
                new { hash = Tokens.Hash(token!), now }, cancellationToken: ct));
        }
        if (used is null) return ConfirmationState.Used;
        await members.MarkEmailVerifiedAsync(used.UserId, used.Email, ct);
        return ConfirmationState.Valid;
    }

    sealed class Confirmation
    {
        public long UserId { get; set; }
        public string Email { get; set; } = "";
        public string? UsedAt { get; set; }
        public string ExpiresAt { get; set; } = "";
    }

    static EmailContent Compose(string link, string name)
    {
        const string Subject = "Confirm your email address for Paperboy";
        var text = $"Hello {name},\r\n\r\nSomeone (hopefully you) created a Paperboy account with this address.\r\n\r\n" +
                   $"Confirm that it is yours here within two days:\r\n{link}\r\n\r\n" +
                   "If it was not you, ignore this email: the account will never be tied to this address's single sign-on.\r\n";
        var a = WebUtility.HtmlEncode(link);
        var html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Subject + "</title></head><body>" +
                   $"<p>Hello {WebUtility.HtmlEncode(name)},</p><p>Someone (hopefully you) created a Paperboy account with this address.</p>" +
                   $"<p>Confirm that it is yours here within two days:<br><a href=\"{a}\">{a}</a></p>" +
                   "<p>If it was not you, ignore this email: the account will never be tied to this address's single sign-on.</p></body></html>";
        return new EmailContent(Subject, html, text);
    }
}
