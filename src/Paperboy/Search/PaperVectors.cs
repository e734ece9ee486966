using Dapper;
using Paperboy.Storage;

namespace Paperboy.Search;

/// <summary>A paper that needs (re)checking: no vector of the model yet, or changed since its vector was made.</summary>
public sealed record PendingPaper(string Id, string Title, string? Abstract, string UpdatedAt, string? TextHash);

/// <summary>
/// <c>paper_vectors</c>: every paper's vector of the built-in model, stored once for the whole
/// installation. The search index of each instance follows it by <c>embedded_at</c>.
/// </summary>
public sealed class PaperVectors(Database database, TimeProvider time)
{
    public Database Database => database;

    /// <summary>Papers with no current vector, newest first: today's papers become searchable by meaning first.</summary>
    /// <remarks>
    /// Which papers first, from narrow rows (id, dates; the vector side from <c>paper_vectors_seen</c> alone), then
    /// their text: joining and sorting the full rows cost 5 s at a million papers with nothing to do, and more than 30 s
    /// under load (docs/PERFORMANCE.md); this way 1.3 s.
    /// </remarks>
    public async Task<List<PendingPaper>> PendingAsync(string model, int take, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<PendingPaper>(new CommandDefinition("""
            SELECT p.id, p.title, p.abstract, p.updated_at, v.text_hash
            FROM (SELECT q.id FROM papers q
                  WHERE q.hidden = FALSE
                    AND NOT EXISTS (SELECT 1 FROM paper_vectors w WHERE w.model = @model AND w.paper_id = q.id AND w.seen_update = q.updated_at)
                  ORDER BY COALESCE(q.published, '') DESC, q.id DESC
                  LIMIT @take) pending
            JOIN papers p ON p.id = pending.id
            LEFT JOIN paper_vectors v ON v.paper_id = p.id AND v.model = @model
            ORDER BY COALESCE(p.published, '') DESC, p.id DESC
            """, new { model, take }, cancellationToken: ct))).AsList();
    }

    /// <summary>The newest <c>updated_at</c> of any paper (a new, edited, hidden or shown paper moves it): an index lookup.</summary>
    public async Task<string?> LatestChangeAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT MAX(updated_at) FROM papers", cancellationToken: ct));
    }

    /// <summary>(embedded, waiting) among visible papers.</summary>
    public async Task<(long Embedded, long Pending)> CountsAsync(string model, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var row = await c.QuerySingleAsync<(long Embedded, long Pending)>(new CommandDefinition("""
            SELECT COALESCE(SUM(CASE WHEN v.paper_id IS NOT NULL THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN v.paper_id IS NULL OR v.seen_update <> p.updated_at THEN 1 ELSE 0 END), 0)
            FROM papers p LEFT JOIN paper_vectors v ON v.paper_id = p.id AND v.model = @model
            WHERE p.hidden = FALSE
            """, new { model }, cancellationToken: ct));
        return row;
    }

    /// <summary>
    /// Visible papers with a vector of the model: the embedded number of <see cref="CountsAsync"/>, for every
    /// /metrics scrape. Counted as the model's vectors (its primary key's index alone) less those of hidden papers
    /// (a scan of papers' hidden flag with a key lookup per hidden paper) instead of joining every paper to its
    /// vector: same number, since a vector always has its paper (foreign key) and a paper one vector per model.
    /// </summary>
    public async Task<long> EmbeddedCountAsync(string model, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition("""
            SELECT (SELECT COUNT(*) FROM paper_vectors WHERE model = @model)
                 - (SELECT COUNT(*) FROM paper_vectors WHERE model = @model AND paper_id IN (SELECT id FROM papers WHERE hidden = TRUE))
            """, new { model }, cancellationToken: ct));
    }

    /// <summary>Stores new vectors and marks unchanged papers as checked, in one transaction.</summary>
    public async Task SaveAsync(string model, IReadOnlyList<(PendingPaper Paper, string Hash, float[]? Vector)> results, CancellationToken ct = default)
    {
        if (results.Count == 0) return;
        var now = StoredTime.Format(time.GetUtcNow());
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        foreach (var (paper, hash, vector) in results)
        {
            if (vector is null)
            {
                await c.ExecuteAsync(new CommandDefinition(
                    "UPDATE paper_vectors SET seen_update = @seen WHERE model = @model AND paper_id = @id",
                    new { model, id = paper.Id, seen = paper.UpdatedAt }, tx, cancellationToken: ct));
                continue;
            }
            // A paper deleted meanwhile is skipped by the join rather than failing the batch on its foreign key.
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO paper_vectors (paper_id, model, text_hash, seen_update, vector, embedded_at)
                SELECT id, @model, @hash, @seen, @vector, @now FROM papers WHERE id = @id
                ON CONFLICT (model, paper_id) DO UPDATE SET text_hash = excluded.text_hash, seen_update = excluded.seen_update,
                    vector = excluded.vector, embedded_at = excluded.embedded_at
                """, new { model, id = paper.Id, hash, seen = paper.UpdatedAt, vector = NeuralEmbedder.ToBytes(vector), now }, tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// How long the vectors of another name of the built-in model are kept once the configured name covers every
    /// paper: a day after the last of them was written, so an instance still running the other setting (a rolling
    /// upgrade of several servers) does not find its vectors gone and embed everything again.
    /// </summary>
    public static readonly TimeSpan SupersededKept = TimeSpan.FromDays(1);

    /// <summary>
    /// The other names the built-in model's vectors are stored under here (the other precision, another truncation:
    /// the same model, so the same space) with the newest <c>embedded_at</c> of each. Each name is found by an index
    /// seek from the one before (a loose index scan), so this reads a few index entries, not a million rows.
    /// </summary>
    public async Task<List<(string Model, string Newest)>> SupersededAsync(string model, CancellationToken ct = default)
    {
        if (!NeuralEmbedder.IsBuiltIn(model)) return []; // another model's vectors are another space
        await using var c = await database.OpenAsync(ct);
        var names = (await c.QueryAsync<string>(new CommandDefinition("""
            WITH RECURSIVE m(model) AS (
                SELECT MIN(model) FROM paper_vectors
                UNION ALL
                SELECT (SELECT MIN(v.model) FROM paper_vectors v WHERE v.model > m.model) FROM m WHERE m.model IS NOT NULL)
            SELECT model FROM m WHERE model IS NOT NULL
            """, cancellationToken: ct))).Where(n => n != model && NeuralEmbedder.IsBuiltIn(n)).ToList();
        var result = new List<(string, string)>(names.Count);
        foreach (var name in names)
            result.Add((name, await c.ExecuteScalarAsync<string>(new CommandDefinition(
                "SELECT MAX(embedded_at) FROM paper_vectors WHERE model = @name", new { name }, cancellationToken: ct)) ?? ""));
        return result;
    }

    /// <summary>
    /// Deletes the vectors of the model's other names (<see cref="SupersededAsync"/>) whose newest is older than
    /// <see cref="SupersededKept"/>, a few thousand rows per statement so that no transaction holds a million.
    /// For when every paper has its vector of <paramref name="model"/>; returns what was deleted, per name, and the
    /// names kept with their newest vector.
    /// </summary>
    public async Task<(List<(string Model, long Deleted)> Pruned, List<(string Model, string Newest)> Kept)> PruneSupersededAsync(
        string model, CancellationToken ct = default)
    {
        var cutoff = StoredTime.Format(time.GetUtcNow() - SupersededKept);
        var pruned = new List<(string, long)>();
        var kept = new List<(string, string)>();
        foreach (var (name, newest) in await SupersededAsync(model, ct))
        {
            if (string.CompareOrdinal(newest, cutoff) >= 0)
            {
                kept.Add((name, newest));
                continue;
            }
            long deleted = 0;
            while (true)
            {
                await using var c = await database.OpenAsync(ct);
                var n = await c.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM paper_vectors WHERE model = @name AND paper_id IN (SELECT paper_id FROM paper_vectors WHERE model = @name LIMIT 5000)",
                    new { name }, cancellationToken: ct));
                if (n == 0) break;
                deleted += n;
            }
            pruned.Add((name, deleted));
        }
        return (pruned, kept);
    }

    /// <summary>Vectors stored at or after <paramref name="since"/> (all of them for ""), oldest first, streamed.</summary>
    public async IAsyncEnumerable<(string Id, float[] Vector, string EmbeddedAt)> SinceAsync(string model, string since,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var reader = await c.ExecuteReaderAsync(new CommandDefinition(
            "SELECT paper_id, vector, embedded_at FROM paper_vectors WHERE model = @model AND embedded_at >= @since ORDER BY embedded_at, paper_id",
            new { model, since }, cancellationToken: ct));
        while (await reader.ReadAsync(ct))
            yield return (reader.GetString(0), NeuralEmbedder.FromBytes((byte[])reader.GetValue(1)), reader.GetString(2));
    }

    /// <summary>
    /// Takes (or renews) a named lease so that one instance does the work; a holder that stops
    /// renewing loses it after <paramref name="length"/>.
    /// </summary>
    public async Task<bool> TryLeaseAsync(string name, string owner, TimeSpan length, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var c = await database.OpenAsync(ct);
        var taken = await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO work_leases (name, owner, until) VALUES (@name, @owner, @until)
            ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
            WHERE work_leases.owner = excluded.owner OR work_leases.until < @now
            """, new { name, owner, until = StoredTime.Format(now + length), now = StoredTime.Format(now) }, cancellationToken: ct));
        if (taken == 1) return true;
        // A holder on this machine whose process is gone (killed) gives way at once, not after expiry.
        var holder = await c.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT owner FROM work_leases WHERE name = @name", new { name }, cancellationToken: ct));
        if (holder is null || !IsDeadLocalOwner(holder)) return false;
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE work_leases SET owner = @owner, until = @until WHERE name = @name AND owner = @holder",
            new { name, owner, holder, until = StoredTime.Format(now + length) }, cancellationToken: ct)) == 1;
    }

    /// <summary>An owner name for leases: host, process id and a tag, so a dead local holder can be recognised.</summary>
    public static string Owner(string tag) => $"{Environment.MachineName}:{Environment.ProcessId}:{tag}";

    static bool IsDeadLocalOwner(string owner)
    {
        var parts = owner.Split(':');
        if (parts.Length < 3 || parts[0] != Environment.MachineName || !int.TryParse(parts[1], out var pid) || pid == Environment.ProcessId) return false;
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return p.HasExited; }
        catch (ArgumentException) { return true; } // no such process
    }

    public async Task ReleaseLeaseAsync(string name, string owner)
    {
        await using var c = await database.OpenAsync();
        await c.ExecuteAsync("DELETE FROM work_leases WHERE name = @name AND owner = @owner", new { name, owner });
    }
}
