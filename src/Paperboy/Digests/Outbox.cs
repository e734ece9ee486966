using System.Data.Common;
using Dapper;
using Paperboy.Storage;

namespace Paperboy.Digests;

/// <param name="SubscriptionId">Null for account mail (a password reset), which belongs to a member, not a subscription.</param>
public sealed record OutboxInsert(long? SubscriptionId, string Kind, string Period, string Recipient, EmailContent Mail, string? UnsubscribeUrl);

/// <summary>A row of <c>outbox</c> as the sender reads it.</summary>
public sealed class OutboxRow
{
    public long Id { get; set; }
    public long? SubscriptionId { get; set; }
    public string Kind { get; set; } = "";
    public string Period { get; set; } = "";
    public string Recipient { get; set; } = "";
    public string Subject { get; set; } = "";
    public string? Html { get; set; }
    public string? Text { get; set; }
    public string? UnsubscribeUrl { get; set; }
    public string Status { get; set; } = "";
    public long Attempts { get; set; }
    public string NextAttemptAt { get; set; } = "";
    public string? ClaimedBy { get; set; }
    public string? ClaimedUntil { get; set; }
    public string? LastError { get; set; }
    public string? SentAt { get; set; }
}

/// <summary>
/// The outbox: every message is a row before it is mail. The UNIQUE (subscription, kind, period)
/// key makes composing idempotent; a lease (claimed_by, claimed_until) makes sending exclusive;
/// a row is marked sent only after the SMTP server accepted it. See docs/ARCHITECTURE.md, "Outbox".
/// </summary>
public sealed class Outbox(Database database)
{
    /// <summary>Adds a message unless one with the same key exists. Returns whether it was added.</summary>
    public static async Task<bool> InsertAsync(DbConnection c, DbTransaction tx, OutboxInsert row, DateTimeOffset now, CancellationToken ct)
    {
        var at = StoredTime.Format(now);
        return await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO outbox (subscription_id, kind, period, recipient, subject, html, text, unsubscribe_url, status, attempts, next_attempt_at, created_at)
            VALUES (@SubscriptionId, @Kind, @Period, @Recipient, @Subject, @Html, @Text, @UnsubscribeUrl, 'pending', 0, @at, @at)
            ON CONFLICT (subscription_id, kind, period) DO NOTHING
            """, new
        {
            row.SubscriptionId,
            row.Kind,
            row.Period,
            row.Recipient,
            row.Mail.Subject,
            row.Mail.Html,
            row.Mail.Text,
            row.UnsubscribeUrl,
            at,
        }, tx, cancellationToken: ct)) > 0;
    }

    /// <summary>Drops unsent messages of a kind whose period starts with <paramref name="periodPrefix"/> (no LIKE wildcards in it; an alert stopped before it went out), text and all.</summary>
    public static async Task CancelPendingAsync(DbConnection c, DbTransaction tx, string kind, string periodPrefix, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition("""
            UPDATE outbox SET status = 'cancelled', html = NULL, text = NULL
            WHERE status = 'pending' AND kind = @kind AND period LIKE @prefix
            """, new { kind, prefix = periodPrefix + "%" }, tx, cancellationToken: ct));

    /// <summary>
    /// Takes up to <paramref name="limit"/> due rows for <paramref name="owner"/> until <paramref name="until"/>.
    /// One UPDATE does it, so two senders never both win a row: SQLite runs writers one at a time, and
    /// PostgreSQL re-checks the outer WHERE on a row another sender just claimed, and skips it.
    /// </summary>
    public async Task<IReadOnlyList<OutboxRow>> ClaimAsync(string owner, DateTimeOffset now, DateTimeOffset until, int limit, CancellationToken ct)
    {
        var args = new { owner, now = StoredTime.Format(now), until = StoredTime.Format(until), limit };
        await using var c = await database.OpenAsync(ct);
        await LeasedRows.ClaimAsync(c, "outbox", "1 = 1", owner, now, until, limit, ct);
        var rows = await c.QueryAsync<OutboxRow>(new CommandDefinition(
            "SELECT * FROM outbox WHERE claimed_by = @owner AND status = 'pending' ORDER BY id", args, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>Marks a row sent (and drops its body, which holds an unsubscribe token). False if the lease was lost.</summary>
    public async Task<bool> MarkSentAsync(OutboxRow row, string owner, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition("""
            UPDATE outbox SET status = 'sent', sent_at = @now, attempts = attempts + 1, html = NULL, text = NULL,
                claimed_by = NULL, claimed_until = NULL, last_error = NULL
            WHERE id = @Id AND claimed_by = @owner
            """, new { row.Id, owner, now = StoredTime.Format(now) }, cancellationToken: ct)) > 0;
    }

    /// <summary>Counts a failed attempt and schedules the next one, doubling the wait each time.</summary>
    public async Task MarkFailedAsync(OutboxRow row, string owner, string error, DateTimeOffset now, DigestSettings settings, CancellationToken ct)
    {
        var attempts = row.Attempts + 1;
        var delay = LeasedRows.Backoff(attempts, settings.RetryDelay, settings.MaxRetryDelay);
        var status = attempts >= settings.MaxAttempts ? "failed" : "pending";
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("""
            UPDATE outbox SET attempts = @attempts, next_attempt_at = @next, last_error = @error, status = @status,
                claimed_by = NULL, claimed_until = NULL
            WHERE id = @Id AND claimed_by = @owner
            """, new { row.Id, owner, attempts, next = StoredTime.Format(now + delay), error = error.Length > 500 ? error[..500] : error, status },
            cancellationToken: ct));
    }

    /// <summary>Gives back rows this sender claimed but did not try, so others need not wait for the lease.</summary>
    public async Task ReleaseAsync(string owner, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await LeasedRows.ReleaseAsync(c, "outbox", owner, ct);
    }

    /// <summary>Digests for readers who unsubscribed after they were composed are never sent.</summary>
    public async Task CancelUnwantedAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition($"""
            UPDATE outbox SET status = 'cancelled', html = NULL, text = NULL
            WHERE status = 'pending' AND kind IN {Subscriptions.DigestKinds}
              AND subscription_id IN (SELECT id FROM subscriptions WHERE status <> 'confirmed')
            """, cancellationToken: ct));
    }

    public async Task<long> PendingCountAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM outbox WHERE status = 'pending'", cancellationToken: ct));
    }

    public async Task<IReadOnlyList<OutboxRow>> ListAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<OutboxRow>(new CommandDefinition("SELECT * FROM outbox ORDER BY id", cancellationToken: ct))).AsList();
    }
}
