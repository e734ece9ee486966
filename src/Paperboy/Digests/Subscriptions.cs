using Dapper;
using MimeKit;
using Paperboy.Storage;
using Paperboy.Syndication;
using Paperboy.Web;

namespace Paperboy.Digests;

public enum TokenState { Valid, Used, Invalid }

/// <summary>
/// Anonymous email subscriptions with double opt-in. Every request to subscribe is answered the
/// same way whatever the address's state, and the only proof of ownership is a mailed token.
/// </summary>
public sealed class Subscriptions(Database database, SiteUrl site, DigestSettings settings, OutboxSignal signal)
{
    public static readonly string[] Frequencies = ["daily", "weekly"];

    // Long enough to survive a weekend away from the inbox.
    static readonly TimeSpan ConfirmLifetime = TimeSpan.FromDays(7);

    /// <summary>A plain <c>local@domain</c> address, trimmed and lower-cased, or false.</summary>
    public static bool TryNormalizeEmail(string? input, out string email)
    {
        email = (input ?? "").Trim().ToLowerInvariant();
        if (email.Length is < 3 or > 254 || email.Count(c => c == '@') != 1 || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or '"'))
            return false;
        var at = email.IndexOf('@');
        if (at == 0 || at == email.Length - 1 || !email[(at + 1)..].Contains('.')) return false;
        return MailboxAddress.TryParse(email, out var parsed) && parsed.Address == email;
    }

    /// <summary>
    /// Records the wish and queues a confirmation mail, unless one went to this address within the
    /// cooldown. A confirmed address gets a confirmation too: confirming it changes the frequency.
    /// With <paramref name="member"/> (a signed-in member asking), the confirmation also ties the
    /// subscription to their account; an address their account already proved is (re)subscribed at
    /// once instead, and true is returned. False means "a confirmation may be on its way", whatever
    /// the address's state, so the answer reveals nothing about anybody else's subscription.
    /// </summary>
    public async Task<bool> SubscribeAsync(string email, string frequency, DateTimeOffset now, Members.User? member = null, CancellationToken ct = default)
    {
        var at = StoredTime.Format(now);
        var userId = member?.Id;
        await using (var c = await database.OpenAsync(ct))
        {
            await using var tx = await c.BeginTransactionAsync(ct);
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO subscriptions (email, frequency, status, created_at) VALUES (@email, @frequency, 'pending', @at)
                ON CONFLICT (email) DO NOTHING
                """, new { email, frequency, at }, tx, cancellationToken: ct));
            var (id, owner) = await c.QuerySingleAsync<(long, long?)>(new CommandDefinition(
                "SELECT id, user_id FROM subscriptions WHERE email = @email", new { email }, tx, cancellationToken: ct));
            // An address another member already tied to their account stays theirs: this request can only
            // re-confirm it (or change how often it comes), and its mail names no account.
            if (owner is not null && owner != userId) { userId = null; member = null; }
            if (userId is not null && await c.ExecuteAsync(new CommandDefinition("""
                    UPDATE subscriptions SET frequency = @frequency, status = 'confirmed', unsubscribed_at = NULL
                    WHERE id = @id AND user_id = @userId AND confirmed_at IS NOT NULL
                    """, new { id, userId, frequency }, tx, cancellationToken: ct)) > 0)
            {
                await tx.CommitAsync(ct);
                return true;
            }
            var recent = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM outbox WHERE subscription_id = @id AND kind = 'confirm' AND created_at > @since",
                new { id, since = StoredTime.Format(now - settings.ConfirmationCooldown) }, tx, cancellationToken: ct));
            if (recent > 0)
            {
                await tx.CommitAsync(ct);
                return false;
            }
            var token = Tokens.New();
            var hash = Tokens.Hash(token);
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO subscription_tokens (token_hash, subscription_id, purpose, frequency, user_id, created_at, expires_at)
                VALUES (@hash, @id, 'confirm', @frequency, @userId, @at, @expires)
                """, new { hash, id, frequency, userId, at, expires = StoredTime.Format(now + ConfirmLifetime) }, tx, cancellationToken: ct));
            var mail = DigestEmail.Confirmation(frequency, new Uri(site.ForEmail, "subscribe/confirm?token=" + token), site.ForEmail, member?.Name);
            await Outbox.InsertAsync(c, tx, new OutboxInsert(id, "confirm", hash[..16], email, mail, null), now, ct);
            await tx.CommitAsync(ct);
        }
        signal.Notify();
        return false;
    }

    public async Task<TokenState> CheckAsync(string? token, string purpose, DateTimeOffset now, CancellationToken ct = default)
    {
        if (!Tokens.LooksValid(token)) return TokenState.Invalid;
        await using var c = await database.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition("""
            SELECT subscription_id, frequency, expires_at, used_at FROM subscription_tokens
            WHERE token_hash = @hash AND purpose = @purpose
            """, new { hash = Tokens.Hash(token!), purpose }, cancellationToken: ct));
        return State(row, purpose, now);
    }

    /// <summary>Confirms the subscription the token was mailed for. Confirm tokens work once.</summary>
    public async Task<TokenState> ConfirmAsync(string? token, DateTimeOffset now, CancellationToken ct = default)
    {
        if (!Tokens.LooksValid(token)) return TokenState.Invalid;
        var at = StoredTime.Format(now);
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        // Marking the token used first takes the write lock and settles a double click: only one wins.
        var claimed = await c.ExecuteAsync(new CommandDefinition("""
            UPDATE subscription_tokens SET used_at = @at
            WHERE token_hash = @hash AND purpose = 'confirm' AND used_at IS NULL AND expires_at > @at
            """, new { hash = Tokens.Hash(token!), at }, tx, cancellationToken: ct));
        if (claimed == 0)
        {
            var row = await c.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
                "SELECT subscription_id, frequency, expires_at, used_at FROM subscription_tokens WHERE token_hash = @hash AND purpose = 'confirm'",
                new { hash = Tokens.Hash(token!) }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
            return State(row, "confirm", now) == TokenState.Used ? TokenState.Used : TokenState.Invalid;
        }
        // Asked for by a signed-in member: the subscription now belongs to that account (and only it), unless
        // another member tied the address first: a confirmation never moves an address from one account to another.
        await c.ExecuteAsync(new CommandDefinition("""
            UPDATE subscriptions SET user_id = NULL
            WHERE user_id = (SELECT t.user_id FROM subscription_tokens t WHERE t.token_hash = @hash)
              AND id <> (SELECT t.subscription_id FROM subscription_tokens t WHERE t.token_hash = @hash)
              AND COALESCE((SELECT s.user_id FROM subscriptions s WHERE s.id = (SELECT t.subscription_id FROM subscription_tokens t WHERE t.token_hash = @hash)),
                           (SELECT t.user_id FROM subscription_tokens t WHERE t.token_hash = @hash))
                  = (SELECT t.user_id FROM subscription_tokens t WHERE t.token_hash = @hash)
            """, new { hash = Tokens.Hash(token!) }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("""
            UPDATE subscriptions
            SET user_id = COALESCE(user_id, (SELECT t.user_id FROM subscription_tokens t WHERE t.token_hash = @hash)),
                frequency = (SELECT t.frequency FROM subscription_tokens t WHERE t.token_hash = @hash),
                confirmed_at = CASE WHEN status = 'confirmed' THEN confirmed_at ELSE @at END,
                status = 'confirmed', unsubscribed_at = NULL
            WHERE id = (SELECT t.subscription_id FROM subscription_tokens t WHERE t.token_hash = @hash)
            """, new { hash = Tokens.Hash(token!), at }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return TokenState.Valid;
    }

    /// <summary>Unsubscribes the address the token was mailed to. Works any number of times (mail clients retry).</summary>
    public async Task<bool> UnsubscribeAsync(string? token, DateTimeOffset now, CancellationToken ct = default)
    {
        if (!Tokens.LooksValid(token)) return false;
        var at = StoredTime.Format(now);
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var changed = await c.ExecuteAsync(new CommandDefinition("""
            UPDATE subscriptions
            SET status = 'unsubscribed', unsubscribed_at = CASE WHEN status = 'unsubscribed' THEN unsubscribed_at ELSE @at END
            WHERE id = (SELECT t.subscription_id FROM subscription_tokens t WHERE t.token_hash = @hash AND t.purpose = 'unsubscribe')
            """, new { hash = Tokens.Hash(token!), at }, tx, cancellationToken: ct));
        if (changed > 0)
        {
            // Digests already composed but not sent would arrive after the reader left: drop them.
            await c.ExecuteAsync(new CommandDefinition($"""
                UPDATE outbox SET status = 'cancelled', html = NULL, text = NULL
                WHERE status = 'pending' AND kind IN {DigestKinds}
                  AND subscription_id = (SELECT t.subscription_id FROM subscription_tokens t WHERE t.token_hash = @hash)
                """, new { hash = Tokens.Hash(token!) }, tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
        return changed > 0;
    }

    /// <summary>The outbox kinds an unsubscribe stops (alerts have their own stop link; confirmations are what resubscribes).</summary>
    public const string DigestKinds = "('daily', 'weekly')";

    /// <summary>The subscription tied to a member's account, if any.</summary>
    public async Task<MemberSubscription?> OfMemberAsync(long userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<MemberSubscription>(new CommandDefinition(
            "SELECT id, email, frequency, status, confirmed_at FROM subscriptions WHERE user_id = @userId ORDER BY id LIMIT 1",
            new { userId }, cancellationToken: ct));
    }

    /// <summary>
    /// The subscription a member asked for from /settings whose mailed link is not opened yet (the newest unused,
    /// unexpired confirmation they asked for), with the frequency they chose: until it is opened the subscription is
    /// not tied to them, and <see cref="OfMemberAsync"/> does not know it. Only the member's own request shows here.
    /// </summary>
    public async Task<MemberSubscription?> AwaitingConfirmationAsync(long userId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<MemberSubscription>(new CommandDefinition("""
            SELECT s.id, s.email, t.frequency, 'pending' AS status, s.confirmed_at
            FROM subscription_tokens t JOIN subscriptions s ON s.id = t.subscription_id
            WHERE t.user_id = @userId AND t.purpose = 'confirm' AND t.used_at IS NULL AND t.expires_at > @at
            ORDER BY t.created_at DESC, s.id DESC LIMIT 1
            """, new { userId, at = StoredTime.Format(now) }, cancellationToken: ct));
    }

    /// <summary>Changes the frequency of a member's own subscription, no mail needed: the tie already proved the address.</summary>
    public async Task<bool> SetMemberFrequencyAsync(long userId, string frequency, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE subscriptions SET frequency = @frequency WHERE user_id = @userId AND status = 'confirmed'",
            new { userId, frequency }, cancellationToken: ct)) > 0;
    }

    /// <summary>Unsubscribes a member's own subscription from /settings, and drops digests composed but not sent.</summary>
    public async Task<bool> UnsubscribeMemberAsync(long userId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var changed = await c.ExecuteAsync(new CommandDefinition(
            "UPDATE subscriptions SET status = 'unsubscribed', unsubscribed_at = @at WHERE user_id = @userId AND status <> 'unsubscribed'",
            new { userId, at = StoredTime.Format(now) }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition($"""
            UPDATE outbox SET status = 'cancelled', html = NULL, text = NULL
            WHERE status = 'pending' AND kind IN {DigestKinds} AND subscription_id IN (SELECT id FROM subscriptions WHERE user_id = @userId)
            """, new { userId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return changed > 0;
    }

    static TokenState State(TokenRow? row, string purpose, DateTimeOffset now)
    {
        if (row is null) return TokenState.Invalid;
        // Confirm tokens work once; unsubscribe tokens keep working (mail clients retry the one-click POST).
        if (purpose == "confirm" && row.UsedAt is not null) return TokenState.Used;
        if (row.ExpiresAt is not null && string.CompareOrdinal(row.ExpiresAt, StoredTime.Format(now)) <= 0) return TokenState.Invalid;
        return TokenState.Valid;
    }

    public sealed class MemberSubscription
    {
        public long Id { get; set; }
        public string Email { get; set; } = "";
        public string Frequency { get; set; } = "";
        public string Status { get; set; } = "";
        public string? ConfirmedAt { get; set; }
    }

    sealed class TokenRow
    {
        public long SubscriptionId { get; set; }
        public string? Frequency { get; set; }
        public string? ExpiresAt { get; set; }
        public string? UsedAt { get; set; }
    }
}
