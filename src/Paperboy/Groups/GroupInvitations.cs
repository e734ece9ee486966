using System.Net;
using Dapper;
using Paperboy.Digests;
using Paperboy.Members;
using Paperboy.Storage;
using Paperboy.Syndication;
using Paperboy.Web;

namespace Paperboy.Groups;

public sealed class GroupInvitation
{
    public long Id { get; set; }
    public long GroupId { get; set; }
    public string Email { get; set; } = "";
    public string InvitedByName { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public string ExpiresAt { get; set; } = "";
    public string? AcceptedAt { get; set; }
    public long? AcceptedBy { get; set; }
    public string? RevokedAt { get; set; }
}

public enum InvitationState { Valid, Used, Revoked, Expired, Invalid }

/// <summary>What a link leads to: its state, and the invitation and group when the token is known.</summary>
public sealed record InvitationLookup(InvitationState State, GroupInvitation? Invitation, Group? Group);

/// <summary>
/// Invitations to a group by email (table of migration 0066): a one-time link mailed through the outbox
/// (the same SMTP settings, retries and exactly-once sending as every mail), valid for <see cref="Lifetime"/>.
/// Following it joins the group for the account whose address is the invited one, signed in already or
/// registered after with that address; any other account is told whose link it is. A link that reached
/// the address's mailbox proves it, so accepting also confirms the address (as a password-reset link does):
/// a group's private papers are shown only to members with a confirmed address.
/// </summary>
public sealed class GroupInvitations(Database database, GroupStore groups, MemberStore members, DigestSettings mail, SiteUrl site, OutboxSignal signal, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    /// <summary>Links are mailed only with a mail server and a known public address (never the request's Host).</summary>
    public bool CanSend => mail.SmtpConfigured && site.Configured is not null;

    /// <summary>Queues an invitation mail; an error in words when the address is malformed, already a member, or mail is off.</summary>
    public async Task<string?> InviteAsync(Group group, User inviter, string email, CancellationToken ct = default)
    {
        if (MemberStore.CheckEmail(email) is { } bad) return bad;
        if (!CanSend) return "This site does not send email, so it cannot invite by email; add members who have an account on /admin/groups.";
        email = MemberStore.NormalizeEmail(email);
        var token = Tokens.New();
        var hash = Tokens.Hash(token);
        var now = time.GetUtcNow();
        await using (var c = await database.OpenAsync(ct))
        await using (var tx = await c.BeginTransactionAsync(ct))
        {
            var member = await c.ExecuteScalarAsync<long>(new CommandDefinition("""
                SELECT COUNT(*) FROM group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = @groupId AND u.email = @email
                """, new { groupId = group.Id, email }, tx, cancellationToken: ct));
            if (member > 0) return $"{email} already belongs to {group.Name}.";
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO group_invitations (group_id, email, token_hash, invited_by_name, created_at, expires_at)
                VALUES (@groupId, @email, @hash, @Name, @now, @expires)
                """, new { groupId = group.Id, email, hash, inviter.Name, now = StoredTime.Format(now), expires = StoredTime.Format(now + Lifetime) },
                tx, cancellationToken: ct));
            var link = new Uri(site.ForEmail, "invitation?token=" + token).AbsoluteUri;
            // Account-like mail: no subscription; the token's hash prefix makes each invitation a row of its own.
            await Outbox.InsertAsync(c, tx, new OutboxInsert(null, "invite", hash[..16], email, Compose(link, group, inviter.Name), null), now, ct);
            await tx.CommitAsync(ct);
        }
        signal.Notify();
        return null;
    }

    /// <summary>What a link would do, without doing it.</summary>
    public async Task<InvitationLookup> CheckAsync(string? token, CancellationToken ct = default)
    {
        if (!Tokens.LooksValid(token)) return new(InvitationState.Invalid, null, null);
        await using var c = await database.OpenAsync(ct);
        var invitation = await c.QuerySingleOrDefaultAsync<GroupInvitation>(new CommandDefinition(
            "SELECT * FROM group_invitations WHERE token_hash = @hash", new { hash = Tokens.Hash(token!) }, cancellationToken: ct));
        if (invitation is null) return new(InvitationState.Invalid, null, null);
        var group = await c.QuerySingleOrDefaultAsync<Group>(new CommandDefinition(
            "SELECT * FROM groups WHERE id = @GroupId", invitation, cancellationToken: ct));
        var state = invitation.AcceptedAt is not null ? InvitationState.Used
            : invitation.RevokedAt is not null ? InvitationState.Revoked
            : string.CompareOrdinal(invitation.ExpiresAt, StoredTime.Format(time.GetUtcNow())) <= 0 ? InvitationState.Expired
            : InvitationState.Valid;
        return new(state, invitation, group);
    }

    /// <summary>Uses a link once for <paramref name="member"/>, whose address must be the invited one, and joins the group; false when it cannot.</summary>
    public async Task<bool> AcceptAsync(string? token, User member, CancellationToken ct = default)
    {
        var lookup = await CheckAsync(token, ct);
        if (lookup is not { State: InvitationState.Valid, Invitation: { } invitation, Group: { } group }) return false;
        if (!string.Equals(invitation.Email, MemberStore.NormalizeEmail(member.Email), StringComparison.Ordinal)) return false;
        var now = StoredTime.Format(time.GetUtcNow());
        await using (var c = await database.OpenAsync(ct))
        {
            // Marking it used is one conditional statement, so two clicks cannot both pass.
            var used = await c.ExecuteAsync(new CommandDefinition("""
                UPDATE group_invitations SET accepted_at = @now, accepted_by = @memberId
                WHERE id = @Id AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > @now
                """, new { now, memberId = member.Id, invitation.Id }, cancellationToken: ct));
            if (used == 0) return false;
        }
        await groups.AddAsync(group, member, ct);
        await members.MarkEmailVerifiedAsync(member.Id, invitation.Email, ct);
        return true;
    }

    /// <summary>Invitations not yet accepted, revoked or expired, newest first: what the group page shows its admins.</summary>
    public async Task<IReadOnlyList<GroupInvitation>> PendingAsync(Group group, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<GroupInvitation>(new CommandDefinition("""
            SELECT * FROM group_invitations WHERE group_id = @Id AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > @now ORDER BY id DESC
            """, new { group.Id, now = StoredTime.Format(time.GetUtcNow()) }, cancellationToken: ct))).AsList();
    }

    public async Task<bool> RevokeAsync(Group group, long id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE group_invitations SET revoked_at = @now WHERE id = @id AND group_id = @groupId AND accepted_at IS NULL AND revoked_at IS NULL",
            new { id, groupId = group.Id, now = StoredTime.Format(time.GetUtcNow()) }, cancellationToken: ct)) > 0;
    }

    static EmailContent Compose(string link, Group group, string inviter)
    {
        var subject = $"{inviter} invites you to {group.Name} on Paperboy";
        var text = $"Hello,\r\n\r\n{inviter} invites you to join the group {group.Name} on Paperboy.\r\n\r\n" +
                   $"Join it here within {Lifetime.TotalDays:0} days (sign in, or register with this address first):\r\n{link}\r\n\r\n" +
                   "The link works once. If you did not expect this, ignore this email.\r\n";
        var a = WebUtility.HtmlEncode(link);
        var html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + WebUtility.HtmlEncode(subject) + "</title></head><body>" +
                   $"<p>Hello,</p><p>{WebUtility.HtmlEncode(inviter)} invites you to join the group <strong>{WebUtility.HtmlEncode(group.Name)}</strong> on Paperboy.</p>" +
                   $"<p>Join it here within {Lifetime.TotalDays:0} days (sign in, or register with this address first):<br><a href=\"{a}\">{a}</a></p>" +
                   "<p>The link works once. If you did not expect this, ignore this email.</p></body></html>";
        return new EmailContent(subject, html, text);
    }
}
