using System.Data.Common;
using Dapper;

namespace Paperboy.Storage;

/// <summary>
/// The claim-with-a-lease pattern that every outbox-like table shares (<c>outbox</c> for mail,
/// <c>webhook_deliveries</c> for webhooks): due rows are taken by one UPDATE, so two senders never
/// both win a row; a sender that dies leaves its rows to whoever comes after the lease; failures
/// wait twice as long each time. Such a table has <c>status</c>, <c>next_attempt_at</c>,
/// <c>claimed_by</c> and <c>claimed_until</c> columns.
/// </summary>
public static class LeasedRows
{
    /// <summary>A name for one sending pass of this process, unique across machines and restarts.</summary>
    public static string NewOwner() => $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>The wait after the <paramref name="attempts"/>-th failure: <paramref name="first"/> · 2^(attempts−1), at most <paramref name="max"/>.</summary>
    public static TimeSpan Backoff(long attempts, TimeSpan first, TimeSpan max) =>
        TimeSpan.FromTicks(Math.Min(max.Ticks, first.Ticks * (1L << (int)Math.Clamp(attempts - 1, 0, 20))));

    /// <summary>
    /// Takes up to <paramref name="limit"/> due pending rows of <paramref name="table"/> for <paramref name="owner"/>
    /// until <paramref name="until"/>; <paramref name="extraCondition"/> (SQL over the table's columns) narrows
    /// them. SQLite runs writers one at a time, and PostgreSQL re-checks the outer WHERE on a row another
    /// sender just claimed, and skips it.
    /// </summary>
    public static Task ClaimAsync(DbConnection c, string table, string extraCondition, string owner, DateTimeOffset now, DateTimeOffset until, int limit,
        CancellationToken ct)
    {
        var due = $"status = 'pending' AND (claimed_until IS NULL OR claimed_until < @now) AND {extraCondition}";
        return c.ExecuteAsync(new CommandDefinition($"""
            UPDATE {table} SET claimed_by = @owner, claimed_until = @until
            WHERE id IN (SELECT id FROM {table} WHERE next_attempt_at <= @now AND {due} ORDER BY id LIMIT @limit)
              AND {due}
            """, new { owner, now = StoredTime.Format(now), until = StoredTime.Format(until), limit }, cancellationToken: ct));
    }

    /// <summary>Gives back rows <paramref name="owner"/> claimed but did not try, so others need not wait for the lease.</summary>
    public static Task ReleaseAsync(DbConnection c, string table, string owner, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            $"UPDATE {table} SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = @owner AND status = 'pending'",
            new { owner }, cancellationToken: ct));
}
