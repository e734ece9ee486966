using System.Data.Common;
using Dapper;
using Paperboy.Storage;

namespace Paperboy.Webhooks;

/// <summary>A row of <c>webhook_deliveries</c> with what the sender needs of its hook.</summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }
    public long WebhookId { get; set; }
    public string Event { get; set; } = "";
    public string Period { get; set; } = "";
    public string? Body { get; set; }
    public string Status { get; set; } = "";
    public long Attempts { get; set; }
    public string NextAttemptAt { get; set; } = "";
    public string? LastError { get; set; }
    public string? SentAt { get; set; }
    public string Url { get; set; } = "";
    public string Secret { get; set; } = "";
}

/// <summary>
/// The webhooks' own outbox: one row per hook, event and period (the UNIQUE key makes composing
/// idempotent, on any number of instances), claimed with a lease like mail (<see cref="LeasedRows"/>),
/// marked sent only after the receiver answered 2xx. See docs/ARCHITECTURE.md, "Webhook deliveries".
/// </summary>
public sealed class WebhookDeliveries(Database database)
{
    const string Table = "webhook_deliveries";

    /// <summary>Adds a delivery unless the hook already has one for this event and period; returns whether it was added.</summary>
    public static async Task<bool> InsertAsync(DbConnection c, long webhookId, string @event, string period, string body, DateTimeOffset now, CancellationToken ct)
    {
        var at = StoredTime.Format(now);
        return await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO webhook_deliveries (webhook_id, event, period, body, status, attempts, next_attempt_at, created_at)
            VALUES (@webhookId, @event, @period, @body, 'pending', 0, @at, @at)
            ON CONFLICT (webhook_id, event, period) DO NOTHING
            """, new { webhookId, @event, period, body, at }, cancellationToken: ct)) > 0;
    }

    /// <summary>Takes due deliveries of hooks that are not paused, for <paramref name="owner"/> until <paramref name="until"/>.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> ClaimAsync(string owner, DateTimeOffset now, DateTimeOffset until, int limit, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await LeasedRows.ClaimAsync(c, Table, "webhook_id IN (SELECT id FROM webhooks WHERE paused_at IS NULL)", owner, now, until, limit, ct);
        return (await c.QueryAsync<WebhookDelivery>(new CommandDefinition("""
            SELECT d.*, w.url, w.secret FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
            WHERE d.claimed_by = @owner AND d.status = 'pending' ORDER BY d.id
            """, new { owner }, cancellationToken: ct))).AsList();
    }

    /// <summary>Records a delivery the receiver accepted (dropping its body) and that its hook works; false if the lease was lost.</summary>
    public async Task<bool> MarkSentAsync(WebhookDelivery row, string owner, DateTimeOffset now, CancellationToken ct)
    {
        var at = StoredTime.Format(now);
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var marked = await c.ExecuteAsync(new CommandDefinition("""
            UPDATE webhook_deliveries SET status = 'sent', sent_at = @at, attempts = attempts + 1, body = NULL,
                claimed_by = NULL, claimed_until = NULL, last_error = NULL
            WHERE id = @Id AND claimed_by = @owner
            """, new { row.Id, owner, at }, tx, cancellationToken: ct)) > 0;
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE webhooks SET consecutive_failures = 0, last_delivery_at = @at, last_error = NULL WHERE id = @WebhookId",
            new { row.WebhookId, at }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return marked;
    }

    /// <summary>
    /// Counts a failed attempt: the delivery waits twice as long each time, and the hook's failures in a row
    /// grow. Returns the hook's owner and failure count when this failure paused it (once, whichever sender).
    /// </summary>
    public async Task<(string Email, string Url, long Failures)?> MarkFailedAsync(WebhookDelivery row, string owner, string error, DateTimeOffset now,
        WebhookSettings settings, CancellationToken ct)
    {
        var attempts = row.Attempts + 1;
        var next = StoredTime.Format(now + LeasedRows.Backoff(attempts, settings.RetryDelay, settings.MaxRetryDelay));
        error = error.Length > 500 ? error[..500] : error;
        var at = StoredTime.Format(now);
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("""
            UPDATE webhook_deliveries SET attempts = @attempts, next_attempt_at = @next, last_error = @error, claimed_by = NULL, claimed_until = NULL
            WHERE id = @Id AND claimed_by = @owner
            """, new { row.Id, owner, attempts, next, error }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE webhooks SET consecutive_failures = consecutive_failures + 1, last_error = @error WHERE id = @WebhookId",
            new { row.WebhookId, error }, tx, cancellationToken: ct));
        // Only the UPDATE that moves paused_at from NULL pauses the hook, so its owner is told once.
        var paused = await c.ExecuteAsync(new CommandDefinition("""
            UPDATE webhooks SET paused_at = @at, pause_reason = @reason
            WHERE id = @WebhookId AND paused_at IS NULL AND consecutive_failures >= @max
            """, new
        {
            row.WebhookId,
            at,
            max = settings.MaxConsecutiveFailures,
            reason = $"{settings.MaxConsecutiveFailures} deliveries in a row failed; the last: {error}"
        }, tx, cancellationToken: ct)) > 0;
        (string, string, long)? result = null;
        if (paused)
        {
            result = await c.QuerySingleAsync<(string, string, long)>(new CommandDefinition("""
                SELECT u.email, w.url, w.consecutive_failures FROM webhooks w JOIN users u ON u.id = w.user_id WHERE w.id = @WebhookId
                """, new { row.WebhookId }, tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
        return result;
    }

    public async Task ReleaseAsync(string owner, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await LeasedRows.ReleaseAsync(c, Table, owner, ct);
    }

    /// <summary>A hook's deliveries, newest first (tests and the settings section read them).</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> OfHookAsync(long webhookId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<WebhookDelivery>(new CommandDefinition("""
            SELECT d.*, w.url, w.secret FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.webhook_id = @webhookId ORDER BY d.id DESC
            """, new { webhookId }, cancellationToken: ct))).AsList();
    }
}
