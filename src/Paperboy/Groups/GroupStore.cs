using System.Text.RegularExpressions;
using Dapper;
using Paperboy.Members;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Groups;

public sealed class Group
{
    public long Id { get; set; }
    public string Slug { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string CreatedAt { get; set; } = "";
}

public sealed class GroupMember
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string AddedAt { get; set; } = "";
}

/// <summary>Groups (a lab, a reading group, a team) and who belongs to them; tables of migration 0030.</summary>
public sealed partial class GroupStore(Database database, TimeProvider time)
{
    public static string? CheckSlug(string? slug) =>
        slug is null || !SlugPattern().IsMatch(slug) ? "A group's slug is 2 to 40 characters: lower-case letters, digits and hyphens, starting with a letter." : null;

    /// <summary>Creates a group; null and a reason when the slug is taken or malformed.</summary>
    public async Task<(Group? Group, string? Error)> CreateAsync(string slug, string name, string? description, CancellationToken ct = default)
    {
        slug = slug.Trim().ToLowerInvariant();
        if (CheckSlug(slug) is { } error) return (null, error);
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100) return (null, "A group's name is 1 to 100 characters.");
        await using var c = await database.OpenAsync(ct);
        var inserted = await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO groups (slug, name, description, created_at) VALUES (@slug, @name, @description, @now) ON CONFLICT (slug) DO NOTHING",
            new { slug, name = name.Trim(), description = string.IsNullOrWhiteSpace(description) ? null : description.Trim(), now = StoredTime.Format(time.GetUtcNow()) }, cancellationToken: ct));
        if (inserted == 0) return (null, $"A group with the slug '{slug}' already exists.");
        return (await GetAsync(slug, ct), null);
    }

    public async Task<Group?> GetAsync(string slug, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Group>(new CommandDefinition(
            "SELECT * FROM groups WHERE slug = @slug", new { slug = slug.Trim().ToLowerInvariant() }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Group>> AllAsync(CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Group>(new CommandDefinition("SELECT * FROM groups ORDER BY name, slug", cancellationToken: ct))).AsList();
    }

    /// <summary>The groups a member belongs to, by name.</summary>
    public async Task<IReadOnlyList<Group>> OfMemberAsync(long userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Group>(new CommandDefinition("""
            SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.user_id = @userId ORDER BY g.name, g.slug
            """, new { userId }, cancellationToken: ct))).AsList();
    }

    /// <summary>Adds a member; false when they already belong.</summary>
    public async Task<bool> AddAsync(Group group, User user, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO group_members (group_id, user_id, added_at) VALUES (@groupId, @userId, @now) ON CONFLICT DO NOTHING",
            new { groupId = group.Id, userId = user.Id, now = StoredTime.Format(time.GetUtcNow()) }, cancellationToken: ct)) > 0;
    }

    public async Task<bool> RemoveAsync(Group group, long userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM group_members WHERE group_id = @groupId AND user_id = @userId", new { groupId = group.Id, userId }, cancellationToken: ct)) > 0;
    }

    public async Task<bool> IsMemberAsync(Group group, long? userId, CancellationToken ct = default)
    {
        if (userId is null) return false;
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM group_members WHERE group_id = @groupId AND user_id = @userId", new { groupId = group.Id, userId }, cancellationToken: ct)) > 0;
    }

    public async Task<IReadOnlyList<GroupMember>> MembersAsync(Group group, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<GroupMember>(new CommandDefinition("""
            SELECT u.id, u.name, m.added_at FROM group_members m JOIN users u ON u.id = m.user_id
            WHERE m.group_id = @Id ORDER BY u.name
            """, new { group.Id }, cancellationToken: ct))).AsList();
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{1,39}$")]
    private static partial Regex SlugPattern();
}
