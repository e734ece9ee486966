using Dapper;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Storage;

namespace Paperboy.Comments;

public sealed class Comment
{
    public long Id { get; set; }
    public string PaperId { get; set; } = "";
    public long UserId { get; set; }
    public string AuthorName { get; set; } = "";
    public long? ParentId { get; set; }
    public string Body { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public string? EditedAt { get; set; }
    public bool Deleted { get; set; }
    public bool Hidden { get; set; }

    public string Html => Deleted || Hidden ? "" : SafeMarkdown.ToHtml(Body);
}

public enum CommentOrder { Newest, Oldest }

public enum CommentChange { Ok, NotFound, Forbidden }

/// <summary>
/// Member comments. <c>papers.num_comments</c> = source_comments + comments neither deleted nor
/// hidden, kept exact by moving it in the same transaction as every change of visibility, and only
/// when the row's visibility really changed (a second delete of the same comment moves nothing).
/// </summary>
public sealed class CommentStore(Database database, TimeProvider time)
{
    public const int MaxLength = 10_000;

    public static string? Check(string? body) =>
        string.IsNullOrWhiteSpace(body) ? "A comment needs some text."
        : body.Length > MaxLength ? $"A comment is at most {MaxLength:N0} characters." : null;

    /// <summary>Adds a comment; null when the paper (or the parent comment on that paper) does not exist.</summary>
    public async Task<Comment?> AddAsync(User user, string paperId, string body, long? parentId, CancellationToken ct = default)
    {
        var id = ArxivId.Normalize(paperId);
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        // The paper row is updated first: it must exist and be visible, and on SQLite this takes the write lock up front.
        var paper = await c.ExecuteAsync(new CommandDefinition(
            $"UPDATE papers SET num_comments = num_comments + 1 WHERE id = @id AND {Private.PrivatePaperStore.Visible()}", new { id, viewer = user.Id }, tx, cancellationToken: ct));
        if (paper == 0) return null;
        if (parentId is not null && await c.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM comments WHERE id = @parentId AND paper_id = @id", new { parentId, id }, tx, cancellationToken: ct)) == 0)
            return null;
        var commentId = await c.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO comments (paper_id, user_id, parent_id, body, created_at, deleted, hidden)
            VALUES (@id, @UserId, @parentId, @body, @now, FALSE, FALSE)
            RETURNING id
            """, new { id, UserId = user.Id, parentId, body, now = StoredTime.Format(time.GetUtcNow()) }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return await GetAsync(commentId, ct);
    }

    public async Task<Comment?> GetAsync(long commentId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Comment>(new CommandDefinition(
            "SELECT c.*, u.name AS author_name FROM comments c JOIN users u ON u.id = c.user_id WHERE c.id = @commentId",
            new { commentId }, cancellationToken: ct));
    }

    /// <summary>
    /// A paper's comments in display order: top-level comments newest or oldest first, each followed by
    /// its replies oldest first (a conversation reads forwards). Hidden comments are left out; deleted
    /// ones stay as "[deleted]" only while they have visible replies, so threads keep their shape.
    /// </summary>
    public async Task<IReadOnlyList<(Comment Comment, int Depth)>> ThreadAsync(string paperId, CommentOrder order, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var all = (await c.QueryAsync<Comment>(new CommandDefinition("""
            SELECT c.*, u.name AS author_name FROM comments c JOIN users u ON u.id = c.user_id
            WHERE c.paper_id = @id AND c.hidden = FALSE ORDER BY c.created_at, c.id
            """, new { id = ArxivId.Normalize(paperId) }, cancellationToken: ct))).AsList();
        var children = all.Where(x => x.ParentId is not null).ToLookup(x => x.ParentId!.Value);
        var ids = all.Select(x => x.Id).ToHashSet();
        // A reply whose parent was hidden is shown at the top level rather than lost.
        var roots = all.Where(x => x.ParentId is null || !ids.Contains(x.ParentId.Value)).ToList();
        if (order == CommentOrder.Newest) roots.Reverse();

        var result = new List<(Comment, int)>();
        void Walk(Comment comment, int depth)
        {
            if (comment.Deleted && !HasVisibleDescendant(comment)) return;
            result.Add((comment, depth));
            foreach (var reply in children[comment.Id]) Walk(reply, Math.Min(depth + 1, 6));
        }
        bool HasVisibleDescendant(Comment comment) => children[comment.Id].Any(r => !r.Deleted || HasVisibleDescendant(r));
        foreach (var root in roots) Walk(root, 0);
        return result;
    }

    /// <summary>Replaces the body of the member's own comment.</summary>
    public async Task<(CommentChange, Comment?)> EditAsync(User user, long commentId, string body, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var changed = await c.ExecuteAsync(new CommandDefinition("""
            UPDATE comments SET body = @body, edited_at = @now
            WHERE id = @commentId AND user_id = @UserId AND deleted = FALSE AND hidden = FALSE
            """, new { body, now = StoredTime.Format(time.GetUtcNow()), commentId, UserId = user.Id }, cancellationToken: ct));
        if (changed > 0) return (CommentChange.Ok, await GetAsync(commentId, ct));
        return (await ExistsVisibleAsync(commentId, ct) ? CommentChange.Forbidden : CommentChange.NotFound, null);
    }

    /// <summary>Deletes the member's own comment (an admin may delete any): the text is erased, the count drops by one.</summary>
    public async Task<CommentChange> DeleteAsync(User user, long commentId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var paperId = await c.ExecuteScalarAsync<string?>(new CommandDefinition("""
            UPDATE comments SET deleted = TRUE, body = ''
            WHERE id = @commentId AND deleted = FALSE AND hidden = FALSE AND (user_id = @UserId OR @IsAdmin = TRUE)
            RETURNING paper_id
            """, new { commentId, UserId = user.Id, user.IsAdmin }, tx, cancellationToken: ct));
        if (paperId is null)
        {
            await tx.RollbackAsync(ct);
            return await ExistsVisibleAsync(commentId, ct) ? CommentChange.Forbidden : CommentChange.NotFound;
        }
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE papers SET num_comments = num_comments - 1 WHERE id = @paperId", new { paperId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return CommentChange.Ok;
    }

    async Task<bool> ExistsVisibleAsync(long commentId, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM comments WHERE id = @commentId AND deleted = FALSE AND hidden = FALSE", new { commentId }, cancellationToken: ct)) > 0;
    }
}
