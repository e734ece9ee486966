using System.Data.Common;
using System.Diagnostics;
using Dapper;
using Paperboy.Storage;

namespace Paperboy.Harvest;

/// <summary>One row of <c>harvest_state</c>: where a source stands and how its last run went.</summary>
public sealed class HarvestState
{
    public string Source { get; set; } = "";
    public string? Cursor { get; set; }
    public string? Resume { get; set; }
    public string? LastAttemptAt { get; set; }
    public string? LastSuccessAt { get; set; }
    public string? LastSummary { get; set; }
    public long LastNew { get; set; }
    public long LastUpdated { get; set; }
    public long LastRejected { get; set; }
    public string? LastError { get; set; }
    public string? LastErrorAt { get; set; }
    public string? LastErrorKind { get; set; }
    public string? LeaseOwner { get; set; }
    public string? LeaseUntil { get; set; }

    /// <summary>never | running | ok | partial | unreachable | failed — what the admin page shows.</summary>
    public string Status(DateTimeOffset now)
    {
        if (LeaseUntil is not null && string.CompareOrdinal(LeaseUntil, StoredTime.Format(now)) > 0) return "running";
        if (LastAttemptAt is null) return "never";
        // The error only counts if nothing succeeded since.
        if (LastErrorAt is not null && (LastSuccessAt is null || string.CompareOrdinal(LastErrorAt, LastSuccessAt) >= 0))
            return LastErrorKind ?? "failed";
        return "ok";
    }
}

/// <summary>
/// Reads and writes <c>harvest_state</c>. The cursor is only ever written inside the transaction
/// that stores the papers it covers (<see cref="SaveCheckpointAsync"/>); everything else here is bookkeeping.
/// </summary>
public sealed class HarvestStore(Database database, TimeProvider time)
{
    /// <summary>A lease outlives a heartbeat many times over, and a crashed holder blocks others for at most this long.</summary>
    public static readonly TimeSpan LeaseLength = TimeSpan.FromMinutes(2);

    public Database Database => database;

    public async Task<HarvestState?> GetAsync(string source, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<HarvestState>(
            new CommandDefinition("SELECT * FROM harvest_state WHERE source = @source", new { source }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<HarvestState>> AllAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        if (!await database.Dialect.TableExistsAsync(c, "harvest_state", ct)) return [];
        return (await c.QueryAsync<HarvestState>(
            new CommandDefinition("SELECT * FROM harvest_state ORDER BY source", cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// Takes the source's lease so only one harvest of it runs, across processes and instances sharing
    /// the database. A lease left by a crashed process on this machine is taken over at once rather
    /// than after it expires, so a restarted harvest resumes immediately. Returns the holder when busy.
    /// With <paramref name="unlessDoneSince"/> (the scheduler's run) the lease is only taken while the source has
    /// not succeeded since then, in the same statement: instances whose schedulers all found the source due
    /// at start-up then harvest it once, not once each after one another.
    /// </summary>
    public async Task<(bool Acquired, string? Holder)> TryAcquireLeaseAsync(string source, string owner,
        DateTimeOffset? unlessDoneSince = null, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var now = time.GetUtcNow();
        var since = unlessDoneSince is { } d ? StoredTime.Format(d) : null;
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO harvest_state (source) VALUES (@source) ON CONFLICT (source) DO NOTHING", new { source }, cancellationToken: ct));
        var taken = await c.ExecuteAsync(new CommandDefinition("""
            UPDATE harvest_state SET lease_owner = @owner, lease_until = @until, last_attempt_at = @now
            WHERE source = @source AND (lease_owner IS NULL OR lease_until IS NULL OR lease_until < @now OR lease_owner = @owner)
              AND (CAST(@since AS TEXT) IS NULL OR last_success_at IS NULL OR last_success_at < @since)
            """, new { source, owner, since, until = StoredTime.Format(now + LeaseLength), now = StoredTime.Format(now) }, cancellationToken: ct));
        if (taken == 1) return (true, null);

        var holder = await c.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT lease_owner FROM harvest_state WHERE source = @source", new { source }, cancellationToken: ct));
        if (holder is not null && IsDeadLocalProcess(holder))
        {
            taken = await c.ExecuteAsync(new CommandDefinition("""
                UPDATE harvest_state SET lease_owner = @owner, lease_until = @until, last_attempt_at = @now
                WHERE source = @source AND lease_owner = @holder
                  AND (CAST(@since AS TEXT) IS NULL OR last_success_at IS NULL OR last_success_at < @since)
                """, new { source, owner, holder, since, until = StoredTime.Format(now + LeaseLength), now = StoredTime.Format(now) }, cancellationToken: ct));
            if (taken == 1) return (true, null);
        }
        return (false, holder);
    }

    public async Task RenewLeaseAsync(string source, string owner, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE harvest_state SET lease_until = @until WHERE source = @source AND lease_owner = @owner",
            new { source, owner, until = StoredTime.Format(time.GetUtcNow() + LeaseLength) }, cancellationToken: ct));
    }

    /// <summary>Records how the run ended and gives the lease back.</summary>
    public async Task FinishAsync(string source, string owner, HarvestReport report)
    {
        await using var c = await database.OpenAsync();
        var now = StoredTime.Format(time.GetUtcNow());
        if (report.Error is null)
        {
            await c.ExecuteAsync("""
                UPDATE harvest_state SET last_success_at = @now, last_summary = @summary, last_new = @New, last_updated = @Updated,
                    last_rejected = @Rejected,
                    last_error = CASE WHEN @Rejected > 0 THEN @firstRejection ELSE last_error END,
                    last_error_at = CASE WHEN @Rejected > 0 THEN @now ELSE last_error_at END,
                    last_error_kind = CASE WHEN @Rejected > 0 THEN 'partial' ELSE last_error_kind END,
                    lease_owner = NULL, lease_until = NULL
                WHERE source = @source AND (lease_owner = @owner OR lease_owner IS NULL)
                """, new { source, owner, now, summary = report.Summary, report.New, report.Updated, report.Rejected, firstRejection = report.Rejections.FirstOrDefault() });
        }
        else
        {
            await c.ExecuteAsync("""
                UPDATE harvest_state SET last_error = @Error, last_error_at = @now, last_error_kind = @kind,
                    last_summary = @summary, lease_owner = NULL, lease_until = NULL
                WHERE source = @source AND (lease_owner = @owner OR lease_owner IS NULL)
                """, new { source, owner, now, report.Error, kind = report.Unreachable ? "unreachable" : "failed", summary = report.Summary });
        }
    }

    /// <summary>
    /// Moves a source's checkpoint inside the caller's transaction, the one that stores the papers it covers.
    /// A day cursor never moves back and never jumps over a day that was not harvested.
    /// </summary>
    public async Task SaveDayAsync(DbConnection c, DbTransaction tx, string source, DateOnly day, string owner)
    {
        var previous = StoredTime.FormatDay(day.AddDays(-1));
        await c.ExecuteAsync("""
            UPDATE harvest_state SET cursor = @day
            WHERE source = @source AND (cursor IS NULL OR (cursor < @day AND cursor >= @previous))
            """, new { source, day = StoredTime.FormatDay(day), previous }, tx);
        await c.ExecuteAsync("UPDATE harvest_state SET lease_until = @until WHERE source = @source AND lease_owner = @owner",
            new { source, owner, until = StoredTime.Format(time.GetUtcNow() + LeaseLength) }, tx);
    }

    /// <summary>Saves an OAI run's position (resume JSON, or null when the run completed and <paramref name="cursor"/> is the next `from`).</summary>
    public async Task SaveRunAsync(DbConnection c, DbTransaction tx, string source, string? resume, string? cursor, string owner)
    {
        await c.ExecuteAsync("""
            UPDATE harvest_state SET resume = @resume, cursor = COALESCE(@cursor, cursor), lease_until = @until
            WHERE source = @source AND (lease_owner = @owner OR lease_owner IS NULL)
            """, new { source, resume, cursor, owner, until = StoredTime.Format(time.GetUtcNow() + LeaseLength) }, tx);
    }

    static bool IsDeadLocalProcess(string holder)
    {
        var parts = holder.Split(':');
        if (parts.Length < 2 || parts[0] != Environment.MachineName || !int.TryParse(parts[1], out var pid)) return false;
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    public static string NewOwner() => $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
}
