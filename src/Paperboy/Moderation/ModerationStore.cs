using System.Data.Common;
using System.Security.Cryptography;
using Dapper;
using Paperboy.Comments;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Storage;

namespace Paperboy.Moderation;

public sealed class AuditEntry
{
    public long Id { get; set; }
    public string ActorName { get; set; } = "";
    public string Action { get; set; } = "";
    public string Target { get; set; } = "";
    public string? Detail { get; set; }
    public string CreatedAt { get; set; } = "";
}

public sealed record PaperLinks(string? AbsUrl, string? PdfUrl, string? CodeUrl, string? ProjectUrl);

/// <summary>
/// What admins do, each action written to the audit log in the same transaction as the change itself,
/// so the log can never miss an action that happened (nor record one that did not).
/// </summary>
public sealed class ModerationStore(Database database, CommentStore comments, TimeProvider time)
{
    public async Task<bool> SetPaperHiddenAsync(User admin, string paperId, bool hidden, CancellationToken ct = default)
    {
        var id = ArxivId.Normalize(paperId);
        return await InTransactionAsync(async (c, tx) =>
        {
            var changed = await c.ExecuteAsync(new CommandDefinition(
                // A private paper's hidden flag is its privacy, not a moderator's: never changed here.
                "UPDATE papers SET hidden = @hidden, updated_at = @now WHERE id = @id AND hidden = @was AND id NOT IN (SELECT paper_id FROM private_papers)",
                new { id, hidden, was = !hidden, now = StoredTime.Format(time.GetUtcNow()) }, tx, cancellationToken: ct));
            if (changed > 0) await AuditAsync(c, tx, admin, hidden ? "hide-paper" : "show-paper", id, null, ct);
            return changed > 0;
        }, ct);
    }

    /// <summary>Hides or shows a comment; num_comments moves with it unless the author had already deleted it.</summary>
    public async Task<bool> SetCommentHiddenAsync(User admin, long commentId, bool hidden, CancellationToken ct = default)
    {
        var comment = await comments.GetAsync(commentId, ct);
        if (comment is null) return false;
        return await InTransactionAsync(async (c, tx) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<HiddenRow>(new CommandDefinition("""
                UPDATE comments SET hidden = @hidden WHERE id = @commentId AND hidden = @was RETURNING paper_id, deleted
                """, new { commentId, hidden, was = !hidden }, tx, cancellationToken: ct));
            if (row is null) return false;
            if (!row.Deleted)
            {
                await c.ExecuteAsync(new CommandDefinition(
                    "UPDATE papers SET num_comments = num_comments + @delta WHERE id = @PaperId",
                    new { row.PaperId, delta = hidden ? -1 : 1 }, tx, cancellationToken: ct));
            }
            await AuditAsync(c, tx, admin, hidden ? "hide-comment" : "show-comment",
                $"comment {commentId} on {comment.PaperId} by {comment.AuthorName}", Excerpt(comment.Body), ct);
            return true;
        }, ct);
    }

    sealed class HiddenRow
    {
        public string PaperId { get; set; } = "";
        public bool Deleted { get; set; }
    }

    /// <summary>Blocks or unblocks a member. Blocking renews their security stamp and deletes their sessions, which ends them at once.</summary>
    public async Task<bool> SetBlockedAsync(User admin, User member, bool blocked, CancellationToken ct = default) =>
        await InTransactionAsync(async (c, tx) =>
        {
            var changed = await c.ExecuteAsync(new CommandDefinition(
                "UPDATE users SET blocked = @blocked, security_stamp = @stamp WHERE id = @Id AND blocked = @was",
                new { member.Id, blocked, was = !blocked, stamp = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) }, tx, cancellationToken: ct));
            if (changed > 0 && blocked)
                await c.ExecuteAsync(new CommandDefinition("DELETE FROM sessions WHERE user_id = @Id", new { member.Id }, tx, cancellationToken: ct));
            if (changed > 0) await AuditAsync(c, tx, admin, blocked ? "block-member" : "unblock-member", member.Name, null, ct);
            return changed > 0;
        }, ct);

    public async Task<bool> PromoteAsync(User admin, User member, CancellationToken ct = default) =>
        await InTransactionAsync(async (c, tx) =>
        {
            var changed = await c.ExecuteAsync(new CommandDefinition(
                "UPDATE users SET is_admin = TRUE WHERE id = @Id AND is_admin = FALSE", new { member.Id }, tx, cancellationToken: ct));
            if (changed > 0) await AuditAsync(c, tx, admin, "promote-member", member.Name, null, ct);
            return changed > 0;
        }, ct);

    /// <summary>Replaces a paper's links; null or empty clears one. Callers have checked every URL is http(s).</summary>
    public async Task<bool> EditLinksAsync(User admin, string paperId, PaperLinks links, CancellationToken ct = default)
    {
        var id = ArxivId.Normalize(paperId);
        static string? Value(string? url) => string.IsNullOrWhiteSpace(url) ? null : url.Trim();
        return await InTransactionAsync(async (c, tx) =>
        {
            var before = await c.QuerySingleOrDefaultAsync<Paper>(new CommandDefinition(
                "SELECT * FROM papers WHERE id = @id", new { id }, tx, cancellationToken: ct));
            if (before is null) return false;
            await c.ExecuteAsync(new CommandDefinition("""
                UPDATE papers SET abs_url = @Abs, pdf_url = @Pdf, code_url = @Code, project_url = @Project, updated_at = @now WHERE id = @id
                """, new { id, Abs = Value(links.AbsUrl), Pdf = Value(links.PdfUrl), Code = Value(links.CodeUrl), Project = Value(links.ProjectUrl), now = StoredTime.Format(time.GetUtcNow()) },
                tx, cancellationToken: ct));
            var detail = $"code: {before.CodeUrl ?? "-"} → {Value(links.CodeUrl) ?? "-"}; project: {before.ProjectUrl ?? "-"} → {Value(links.ProjectUrl) ?? "-"}; " +
                         $"abs: {before.AbsUrl ?? "-"} → {Value(links.AbsUrl) ?? "-"}; pdf: {before.PdfUrl ?? "-"} → {Value(links.PdfUrl) ?? "-"}";
            await AuditAsync(c, tx, admin, "edit-links", id, detail, ct);
            return true;
        }, ct);
    }

    public async Task<IReadOnlyList<AuditEntry>> AuditLogAsync(int limit, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<AuditEntry>(new CommandDefinition(
            "SELECT id, actor_name, action, target, detail, created_at FROM audit_log ORDER BY id DESC LIMIT @limit",
            new { limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// What an admin looks over: the newest comments (hidden ones too, so they can be shown again where they
    /// are listed) and the newest member submissions, each with its paper's title.
    /// </summary>
    public async Task<ReviewList> QueueAsync(int limit, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var comments = (await c.QueryAsync<QueuedComment>(new CommandDefinition("""
            SELECT c.id, c.paper_id, p.title AS paper_title, u.name AS author_name, c.body, c.created_at, c.hidden
            FROM comments c JOIN users u ON u.id = c.user_id JOIN papers p ON p.id = c.paper_id
            WHERE c.deleted = FALSE AND c.paper_id NOT IN (SELECT paper_id FROM private_papers) ORDER BY c.id DESC LIMIT @limit
            """, new { limit }, cancellationToken: ct))).AsList();
        var submissions = (await c.QueryAsync<QueuedSubmission>(new CommandDefinition("""
            SELECT s.day, s.paper_id, p.title AS paper_title, u.name AS member_name, s.created_at, p.hidden AS paper_hidden
            FROM submissions s JOIN users u ON u.id = s.user_id JOIN papers p ON p.id = s.paper_id
            ORDER BY s.created_at DESC LIMIT @limit
            """, new { limit }, cancellationToken: ct))).AsList();
        foreach (var comment in comments) comment.Body = Excerpt(comment.Body);
        return new ReviewList(comments, submissions);
    }

    async Task<bool> InTransactionAsync(Func<DbConnection, DbTransaction, Task<bool>> work, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var done = await work(c, tx);
        if (done) await tx.CommitAsync(ct);
        return done;
    }

    Task AuditAsync(DbConnection c, DbTransaction tx, User admin, string action, string target, string? detail, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO audit_log (actor_id, actor_name, action, target, detail, created_at) VALUES (@Id, @Name, @action, @target, @detail, @now)
            """, new { admin.Id, admin.Name, action, target, detail, now = StoredTime.Format(time.GetUtcNow()) }, tx, cancellationToken: ct));

    static string Excerpt(string body) => body.Length <= 200 ? body : body[..200] + "…";
}

public sealed record ReviewList(IReadOnlyList<QueuedComment> Comments, IReadOnlyList<QueuedSubmission> Submissions);

public sealed class QueuedComment
{
    public long Id { get; set; }
    public string PaperId { get; set; } = "";
    public string PaperTitle { get; set; } = "";
    public string AuthorName { get; set; } = "";
    public string Body { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public bool Hidden { get; set; }
}

public sealed class QueuedSubmission
{
    public string Day { get; set; } = "";
    public string PaperId { get; set; } = "";
    public string PaperTitle { get; set; } = "";
    public string MemberName { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public bool PaperHidden { get; set; }
}
