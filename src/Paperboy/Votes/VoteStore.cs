using Dapper;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Storage;

namespace Paperboy.Votes;

public sealed record VoteState(string Id, long Upvotes, bool Upvoted);

/// <summary>
/// Member upvotes. <c>papers.upvotes</c> is the one number every page and feed shows, so it moves in
/// the same transaction as the vote row, and only by the number of rows that really changed: the
/// (user_id, paper_id) primary key plus ON CONFLICT DO NOTHING turns a racing double click into a no-op.
/// </summary>
public sealed class VoteStore(Database database, TimeProvider time)
{
    /// <summary>Sets the member's vote on a paper; null when the paper does not exist or is hidden.</summary>
    public async Task<VoteState?> SetAsync(User user, string paperId, bool upvoted, CancellationToken ct = default)
    {
        var id = ArxivId.Normalize(paperId);
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        // Written first: on SQLite the transaction then holds the write lock from its first statement.
        var changed = upvoted
            ? await c.ExecuteAsync(new CommandDefinition($"""
                INSERT INTO votes (user_id, paper_id, created_at)
                SELECT @UserId, id, @Now FROM papers WHERE id = @Id AND {Private.PrivatePaperStore.Visible()}
                ON CONFLICT DO NOTHING
                """, new { UserId = user.Id, Id = id, Now = StoredTime.Format(time.GetUtcNow()), viewer = user.Id }, tx, cancellationToken: ct))
            : await c.ExecuteAsync(new CommandDefinition(
                "DELETE FROM votes WHERE user_id = @UserId AND paper_id = @Id", new { UserId = user.Id, Id = id }, tx, cancellationToken: ct));
        if (changed > 0)
        {
            await c.ExecuteAsync(new CommandDefinition(
                "UPDATE papers SET upvotes = upvotes + @delta WHERE id = @Id",
                new { Id = id, delta = upvoted ? changed : -changed }, tx, cancellationToken: ct));
        }
        var upvotes = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            $"SELECT upvotes FROM papers WHERE id = @Id AND {Private.PrivatePaperStore.Visible()}", new { Id = id, viewer = user.Id }, tx, cancellationToken: ct));
        // A hidden or unknown paper changes nothing, not even a vote taken back.
        if (upvotes is null) return null;
        await tx.CommitAsync(ct);
        return new VoteState(id, upvotes.Value, upvoted);
    }

    public async Task<bool> HasVotedAsync(long userId, string paperId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM votes WHERE user_id = @userId AND paper_id = @paperId", new { userId, paperId }, cancellationToken: ct)) > 0;
    }

    /// <summary>Which of these papers the member has upvoted, for drawing many cards at once.</summary>
    public async Task<HashSet<string>> VotedAmongAsync(long userId, IEnumerable<string> paperIds, CancellationToken ct = default)
    {
        var ids = paperIds.Distinct().ToArray();
        if (ids.Length == 0) return [];
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<string>(new CommandDefinition(
            $"SELECT paper_id FROM votes WHERE user_id = @userId AND paper_id {database.Dialect.In("ids")}",
            new { userId, ids = database.Dialect.List(ids) }, cancellationToken: ct));
        return rows.ToHashSet(StringComparer.Ordinal);
    }
}
