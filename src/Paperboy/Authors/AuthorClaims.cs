using System.Data.Common;
using Dapper;
using Paperboy.Config;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Storage;

namespace Paperboy.Authors;

public sealed class AuthorClaim
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public string MemberName { get; set; } = "";
    public string Name { get; set; } = "";
    public string NameKey { get; set; } = "";
    public string Status { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public string? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
}

public static class ClaimStatus
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Revoked = "revoked";
}

/// <summary>What a claim attempt came to: the claim (new or the member's existing one), or why not.</summary>
public sealed record ClaimOutcome(AuthorClaim? Claim, string? Error, bool Conflict = false);

/// <summary>
/// Author claims (table of migration 0065): a member says an author name is theirs; an admin approves,
/// rejects or revokes it, or it is approved at once for a confirmed address in one of
/// <see cref="AuthorSettings.Domains"/>. Every step is written to the moderation audit log in the same
/// transaction as the change, so the log never misses one. One name has at most one approved member
/// (a partial unique index), so a second member's claim waits for an admin to revoke the first.
/// </summary>
public sealed class AuthorClaims(Database database, AuthorSettings settings, TimeProvider time)
{
    public const string Automatic = "automatic";

    const string Select = """
        SELECT k.id, k.user_id, u.name AS member_name, k.name, k.name_key, k.status, k.created_at, k.decided_at, k.decided_by
        FROM author_claims k JOIN users u ON u.id = k.user_id
        """;

    public async Task<ClaimOutcome> ClaimAsync(User member, string name, CancellationToken ct = default)
    {
        var key = AuthorKey.Of(name ?? "");
        if (key.Length == 0 || name!.Length > 300) return new(null, "Give the author's name as the papers spell it.");
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        // Only names on public papers: an author page exists for them, and a private paper's authors stay private.
        var spelled = await c.QueryFirstOrDefaultAsync<string>(new CommandDefinition("""
            SELECT a.name FROM paper_authors a JOIN papers p ON p.id = a.paper_id
            WHERE a.name_key = @key AND p.hidden = FALSE ORDER BY p.published DESC LIMIT 1
            """, new { key }, tx, cancellationToken: ct));
        if (spelled is null) return new(null, $"No paper here has an author named “{Clip(name)}”.");
        var existing = (await c.QueryAsync<AuthorClaim>(new CommandDefinition(
            Select + " WHERE k.name_key = @key AND k.status IN ('pending', 'approved') ORDER BY k.id",
            new { key }, tx, cancellationToken: ct))).AsList();
        if (existing.FirstOrDefault(k => k.UserId == member.Id) is { } own) return new(own, null);
        if (existing.Any(k => k.Status == ClaimStatus.Approved))
            return new(null, $"“{spelled}” is already claimed by another member. If that is wrong, ask an admin to revoke their claim.", Conflict: true);

        var domain = settings.TrustedDomainOf(member);
        var now = StoredTime.Format(time.GetUtcNow());
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO author_claims (user_id, name, name_key, status, created_at, decided_at, decided_by)
            VALUES (@userId, @spelled, @key, @status, @now, @decidedAt, @decidedBy) RETURNING id
            """, new
        {
            userId = member.Id,
            spelled,
            key,
            now,
            status = domain is null ? ClaimStatus.Pending : ClaimStatus.Approved,
            decidedAt = domain is null ? null : now,
            decidedBy = domain is null ? null : Automatic,
        }, tx, cancellationToken: ct));
        await AuditAsync(c, tx, member.Id, member.Name, "claim-author", spelled, $"claim {id}", ct);
        if (domain is not null)
            await AuditAsync(c, tx, null, Automatic, "approve-author-claim", spelled, $"claim {id} by {member.Name}: confirmed address at {domain}", ct);
        await tx.CommitAsync(ct);
        return new(await GetAsync(id, ct), null);
    }

    /// <summary>pending → approved; refused while another member holds the name.</summary>
    public Task<string?> ApproveAsync(User admin, long id, CancellationToken ct = default) =>
        DecideAsync(admin, id, ClaimStatus.Pending, ClaimStatus.Approved, "approve-author-claim", ct);

    public Task<string?> RejectAsync(User admin, long id, CancellationToken ct = default) =>
        DecideAsync(admin, id, ClaimStatus.Pending, ClaimStatus.Rejected, "reject-author-claim", ct);

    /// <summary>approved → revoked: the author page stops linking the member and their profile stops listing the papers.</summary>
    public Task<string?> RevokeAsync(User admin, long id, CancellationToken ct = default) =>
        DecideAsync(admin, id, ClaimStatus.Approved, ClaimStatus.Revoked, "revoke-author-claim", ct);

    async Task<string?> DecideAsync(User admin, long id, string from, string to, string action, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var claim = await c.QuerySingleOrDefaultAsync<AuthorClaim>(new CommandDefinition(Select + " WHERE k.id = @id", new { id }, tx, cancellationToken: ct));
        if (claim is null) return "No such claim.";
        if (claim.Status != from) return $"That claim is {claim.Status}, not {from}.";
        if (to == ClaimStatus.Approved && await c.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT u.name FROM author_claims k JOIN users u ON u.id = k.user_id WHERE k.name_key = @NameKey AND k.status = 'approved'",
                claim, tx, cancellationToken: ct)) is { } holder)
            return $"“{claim.Name}” is already claimed by {holder}; revoke that claim first.";
        try
        {
            var changed = await c.ExecuteAsync(new CommandDefinition(
                "UPDATE author_claims SET status = @to, decided_at = @now, decided_by = @Name WHERE id = @id AND status = @from",
                new { to, from, id, now = StoredTime.Format(time.GetUtcNow()), admin.Name }, tx, cancellationToken: ct));
            if (changed == 0) return "The claim changed meanwhile; look again.";
            await AuditAsync(c, tx, admin.Id, admin.Name, action, claim.Name, $"claim {id} by {claim.MemberName}", ct);
            await tx.CommitAsync(ct);
            return null;
        }
        catch (DbException) when (to == ClaimStatus.Approved)
        {
            // Another admin approved a rival claim between the check and the update: the unique index refused it.
            return $"“{claim.Name}” was just claimed by another member; revoke that claim first.";
        }
    }

    public async Task<AuthorClaim?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<AuthorClaim>(new CommandDefinition(Select + " WHERE k.id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>Pending claims (oldest first, as a queue) and approved ones, for the admin page.</summary>
    public async Task<(IReadOnlyList<AuthorClaim> Pending, IReadOnlyList<AuthorClaim> Approved)> OpenAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var pending = (await c.QueryAsync<AuthorClaim>(new CommandDefinition(Select + " WHERE k.status = 'pending' ORDER BY k.id", cancellationToken: ct))).AsList();
        var approved = (await c.QueryAsync<AuthorClaim>(new CommandDefinition(Select + " WHERE k.status = 'approved' ORDER BY k.name, k.id", cancellationToken: ct))).AsList();
        return (pending, approved);
    }

    /// <summary>The claim on an author name that counts for <paramref name="viewerId"/>: the approved one, else the viewer's own pending one.</summary>
    public async Task<AuthorClaim?> ForNameAsync(string name, long? viewerId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QueryFirstOrDefaultAsync<AuthorClaim>(new CommandDefinition(Select + """
             WHERE k.name_key = @key AND u.blocked = FALSE AND (k.status = 'approved' OR (k.status = 'pending' AND k.user_id = @viewerId))
            ORDER BY CASE k.status WHEN 'approved' THEN 0 ELSE 1 END LIMIT 1
            """, new { key = AuthorKey.Of(name), viewerId = viewerId ?? -1 }, cancellationToken: ct));
    }

    /// <summary>The author names approved for a member.</summary>
    public async Task<IReadOnlyList<AuthorClaim>> ApprovedOfAsync(long userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<AuthorClaim>(new CommandDefinition(Select + " WHERE k.user_id = @userId AND k.status = 'approved' ORDER BY k.name",
            new { userId }, cancellationToken: ct))).AsList();
    }

    /// <summary>Public papers whose authors include a name approved for the member (the author pages' key), newest first.</summary>
    public async Task<IReadOnlyList<Paper>> PapersOfAsync(long userId, int limit, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Paper>(new CommandDefinition("""
            SELECT p.* FROM papers p WHERE p.hidden = FALSE AND p.id IN (
                SELECT a.paper_id FROM paper_authors a JOIN author_claims k ON k.name_key = a.name_key
                WHERE k.user_id = @userId AND k.status = 'approved')
            ORDER BY p.published DESC, p.id LIMIT @limit
            """, new { userId, limit }, cancellationToken: ct))).AsList();
    }

    Task AuditAsync(DbConnection c, DbTransaction tx, long? actorId, string actorName, string action, string target, string? detail, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO audit_log (actor_id, actor_name, action, target, detail, created_at) VALUES (@actorId, @actorName, @action, @target, @detail, @now)
            """, new { actorId, actorName, action, target, detail, now = StoredTime.Format(time.GetUtcNow()) }, tx, cancellationToken: ct));

    static string Clip(string text) => text.Length <= 80 ? text : text[..80] + "…";
}

/// <summary>
/// Which confirmed addresses approve their owner's claims at once: <c>PAPERBOY_AUTHOR_DOMAINS</c>
/// (comma-separated, e.g. <c>lab.example.org</c>; exact domains, no subdomains), or <c>Authors:Domains</c>
/// in configuration, which wins. Empty: every claim waits for an admin.
/// </summary>
public sealed class AuthorSettings
{
    public string? Domains { get; set; }

    public IReadOnlyList<string> TrustedDomains =>
        (Domains ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.TrimStart('@').ToLowerInvariant()).ToArray();

    /// <summary>The member's domain when their address is confirmed and listed; null otherwise.</summary>
    public string? TrustedDomainOf(User member)
    {
        if (!member.EmailVerified) return null;
        var at = member.Email.LastIndexOf('@');
        var domain = at > 0 ? member.Email[(at + 1)..].ToLowerInvariant() : "";
        return TrustedDomains.Contains(domain) ? domain : null;
    }

    public static AuthorSettings Read(SettingsReader config)
    {
        var settings = new AuthorSettings { Domains = config.Raw("PAPERBOY_AUTHOR_DOMAINS") };
        config.Configuration.GetSection("Authors").Bind(settings);
        return settings;
    }
}
