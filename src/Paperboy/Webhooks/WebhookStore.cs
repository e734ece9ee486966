using System.Security.Cryptography;
using Dapper;
using Paperboy.Groups;
using Paperboy.Members;
using Paperboy.Storage;

namespace Paperboy.Webhooks;

/// <summary>A row of <c>webhooks</c>, with its group's slug and name when it is a group's hook.</summary>
public sealed class Webhook
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public long? GroupId { get; set; }
    public string? GroupSlug { get; set; }
    public string? GroupName { get; set; }
    public string Url { get; set; } = "";
    public string Events { get; set; } = "";
    public string Secret { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public long ConsecutiveFailures { get; set; }
    public string? LastDeliveryAt { get; set; }
    public string? LastError { get; set; }
    public string? PausedAt { get; set; }
    public string? PauseReason { get; set; }

    public IReadOnlyList<string> EventList => Events.Split(',', StringSplitOptions.RemoveEmptyEntries);
    public bool Paused => PausedAt is not null;
}

public sealed record WebhookRequest(string? Url, IReadOnlyList<string>? Events, string? Group);

/// <summary>Members' and groups' webhooks (migration 0060): creation with its checks, listing, removal, resuming.</summary>
public sealed class WebhookStore(Database database, GroupStore groups, WebhookSettings settings)
{
    public static readonly IReadOnlyList<string> KnownEvents = ["digest", "alerts"];

    const string Select = """
        SELECT w.*, g.slug AS group_slug, g.name AS group_name FROM webhooks w LEFT JOIN groups g ON g.id = w.group_id
        """;

    /// <summary>
    /// Makes a hook for <paramref name="member"/>; a group's hook only for an admin or a member of that group.
    /// Returns the hook (its secret is shown this once), or the status and reason of a refusal.
    /// </summary>
    public async Task<(Webhook? Hook, int Status, string? Error)> CreateAsync(User member, WebhookRequest request, DateTimeOffset now, CancellationToken ct = default)
    {
        if (WebhookAddress.CheckShape(request.Url, out var uri) is { } shape) return (null, 400, shape);
        var events = (request.Events ?? []).Select(e => e?.Trim().ToLowerInvariant() ?? "").Distinct().ToList();
        if (events.Count == 0) return (null, 400, "Name at least one event: \"digest\" (the daily papers) and/or \"alerts\" (new papers for your saved searches).");
        if (events.FirstOrDefault(e => !KnownEvents.Contains(e)) is { } unknown) return (null, 400, $"Unknown event '{unknown}': use \"digest\" and/or \"alerts\".");
        Group? group = null;
        if (!string.IsNullOrWhiteSpace(request.Group))
        {
            group = await groups.GetAsync(request.Group, ct);
            if (group is null) return (null, 400, $"There is no group '{request.Group.Trim()}'.");
            if (!member.IsAdmin && !await groups.IsMemberAsync(group, member.Id, ct))
                return (null, 403, $"Only members of the group '{group.Slug}' (or an admin) can add a hook for it.");
        }
        var (_, refused) = await WebhookAddress.ResolveAsync(uri!.IdnHost, settings.AllowPrivate, ct);
        if (refused is not null) return (null, 400, refused);

        // Not Web/Tokens: this is an HMAC key both sides keep (we sign with it, the receiver checks), so it is
        // stored as it is, not hashed like a token we only ever compare.
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await using var c = await database.OpenAsync(ct);
        var count = await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM webhooks WHERE user_id = @Id", new { member.Id }, cancellationToken: ct));
        if (count >= settings.MaxPerMember) return (null, 400, $"A member can have at most {settings.MaxPerMember} webhooks; remove one first.");
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO webhooks (user_id, group_id, url, events, secret, created_at, consecutive_failures)
            VALUES (@userId, @groupId, @url, @events, @secret, @now, 0) RETURNING id
            """, new { userId = member.Id, groupId = group?.Id, url = uri.AbsoluteUri, events = string.Join(',', KnownEvents.Where(events.Contains)), secret, now = StoredTime.Format(now) },
            cancellationToken: ct));
        return (await GetAsync(member.Id, id, ct), 201, null);
    }

    /// <summary>The member's own hooks (a group's hook belongs to whoever made it), oldest first.</summary>
    public async Task<IReadOnlyList<Webhook>> ListAsync(long userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Webhook>(new CommandDefinition(Select + " WHERE w.user_id = @userId ORDER BY w.id", new { userId }, cancellationToken: ct))).AsList();
    }

    public async Task<Webhook?> GetAsync(long userId, long id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Webhook>(new CommandDefinition(Select + " WHERE w.id = @id AND w.user_id = @userId", new { id, userId }, cancellationToken: ct));
    }

    /// <summary>Hooks that take <paramref name="event"/> and are not paused.</summary>
    public async Task<IReadOnlyList<Webhook>> ActiveAsync(string @event, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var all = await c.QueryAsync<Webhook>(new CommandDefinition(Select + " WHERE w.paused_at IS NULL ORDER BY w.id", cancellationToken: ct));
        return all.Where(h => h.EventList.Contains(@event)).ToList();
    }

    /// <summary>Removes one of the member's hooks (and its deliveries); false when it is not theirs or does not exist.</summary>
    public async Task<bool> DeleteAsync(long userId, long id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        // Deliveries first: SQLite enforces the cascade only with foreign keys on, which a restore may not have had.
        await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM webhook_deliveries WHERE webhook_id IN (SELECT id FROM webhooks WHERE id = @id AND user_id = @userId)", new { id, userId }, tx, cancellationToken: ct));
        var deleted = await c.ExecuteAsync(new CommandDefinition("DELETE FROM webhooks WHERE id = @id AND user_id = @userId", new { id, userId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return deleted > 0;
    }

    /// <summary>Resumes a paused hook: its count of failures starts again and what waited is due at once.</summary>
    public async Task<bool> ResumeAsync(long userId, long id, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var resumed = await c.ExecuteAsync(new CommandDefinition("""
            UPDATE webhooks SET paused_at = NULL, pause_reason = NULL, consecutive_failures = 0 WHERE id = @id AND user_id = @userId
            """, new { id, userId }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_deliveries SET next_attempt_at = @now WHERE webhook_id IN (SELECT id FROM webhooks WHERE id = @id AND user_id = @userId) AND status = 'pending'",
            new { id, userId, now = StoredTime.Format(now) }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return resumed > 0;
    }
}
