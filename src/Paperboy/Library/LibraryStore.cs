using Dapper;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Storage;

namespace Paperboy.Library;

public sealed class CollectionRow
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public string OwnerName { get; set; } = "";
    public string Name { get; set; } = "";
    public bool IsPublic { get; set; }

    /// <summary>Set: the collection is shared with this group only (migration 0067, <c>Groups/GroupCollections</c>).</summary>
    public long? GroupId { get; set; }
    public string CreatedAt { get; set; } = "";
    public long Papers { get; set; }
}

/// <summary>
/// A member's library (papers they saved) and their named collections, each private or public.
/// A private collection is invisible to everyone else: asking for it answers exactly like asking for one that does not exist.
/// </summary>
public sealed class LibraryStore(Database database, TimeProvider time)
{
    public const int MaxNameLength = 80;

    /// <summary>
    /// SQL: how many papers of the collection aliased <c>k</c> the member <c>@viewer</c> may see (0: an
    /// anonymous reader): public papers, and private ones only for those who may see them. What a
    /// collection's page lists for that viewer, so a count never tells an outsider that private papers are there.
    /// </summary>
    public static readonly string VisibleCount =
        $"(SELECT COUNT(*) FROM collection_items i JOIN papers p ON p.id = i.paper_id WHERE i.collection_id = k.id AND {Private.PrivatePaperStore.Visible("p.")})";

    /// <summary>The <c>@viewer</c> of the visibility SQL for a member (or nobody): a blocked member sees what an anonymous reader does.</summary>
    public static long ViewerId(User? viewer) => viewer is { Blocked: false } ? viewer.Id : 0;

    public static string? CheckName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength || name.Any(char.IsControl)
            ? $"A collection name is 1 to {MaxNameLength} characters." : null;

    /// <summary>Saves or unsaves a paper; false when the paper does not exist (or is hidden).</summary>
    public async Task<bool> SetSavedAsync(User user, string paperId, bool saved, CancellationToken ct = default)
    {
        var id = ArxivId.Normalize(paperId);
        await using var c = await database.OpenAsync(ct);
        if (!await VisiblePaperAsync(c, id, user.Id, ct)) return false;
        await c.ExecuteAsync(new CommandDefinition(saved
            ? "INSERT INTO library_items (user_id, paper_id, created_at) VALUES (@UserId, @id, @now) ON CONFLICT DO NOTHING"
            : "DELETE FROM library_items WHERE user_id = @UserId AND paper_id = @id",
            new { UserId = user.Id, id, now = StoredTime.Format(time.GetUtcNow()) }, cancellationToken: ct));
        return true;
    }

    public async Task<IReadOnlyList<Paper>> LibraryAsync(User user, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Paper>(new CommandDefinition($"""
            SELECT p.* FROM library_items l JOIN papers p ON p.id = l.paper_id
            WHERE l.user_id = @Id AND {Private.PrivatePaperStore.Visible("p.")} ORDER BY l.created_at DESC, p.id
            """, new { user.Id, viewer = user.Id }, cancellationToken: ct))).AsList();
    }

    public async Task<bool> IsSavedAsync(long userId, string paperId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM library_items WHERE user_id = @userId AND paper_id = @paperId", new { userId, paperId }, cancellationToken: ct)) > 0;
    }

    public async Task<(CollectionRow? Collection, string? Error)> CreateAsync(User user, string? name, bool isPublic, CancellationToken ct = default)
    {
        if (CheckName(name) is { } error) return (null, error);
        await using var c = await database.OpenAsync(ct);
        var id = await c.ExecuteScalarAsync<long?>(new CommandDefinition("""
            INSERT INTO collections (user_id, name, is_public, created_at) VALUES (@UserId, @name, @isPublic, @now)
            ON CONFLICT DO NOTHING RETURNING id
            """, new { UserId = user.Id, name = name!.Trim(), isPublic, now = StoredTime.Format(time.GetUtcNow()) }, cancellationToken: ct));
        return id is null ? (null, "You already have a collection with that name.") : (await GetAsync(id.Value, user, ct), null);
    }

    /// <summary>Renames and/or publishes the member's own collection; false when it is not theirs.</summary>
    public async Task<(bool Ok, string? Error)> UpdateAsync(User user, long collectionId, string? name, bool? isPublic, CancellationToken ct = default)
    {
        if (name is not null && CheckName(name) is { } error) return (false, error);
        await using var c = await database.OpenAsync(ct);
        try
        {
            var changed = await c.ExecuteAsync(new CommandDefinition("""
                UPDATE collections SET name = COALESCE(@name, name), is_public = COALESCE(@isPublic, is_public),
                    group_id = CASE WHEN @isPublic = TRUE THEN NULL ELSE group_id END
                WHERE id = @collectionId AND user_id = @UserId
                """, new { name = name?.Trim(), isPublic, collectionId, UserId = user.Id }, cancellationToken: ct));
            return (changed > 0, changed > 0 ? null : "No such collection.");
        }
        catch (System.Data.Common.DbException ex) when (ex.Message.Contains("UNIQUE", StringComparison.OrdinalIgnoreCase) || ex.SqlState == "23505")
        {
            return (false, "You already have a collection with that name.");
        }
    }

    public async Task<bool> DeleteAsync(User user, long collectionId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM collections WHERE id = @collectionId AND user_id = @UserId", new { collectionId, UserId = user.Id }, cancellationToken: ct)) > 0;
    }

    /// <summary>Adds or removes a paper in the member's own collection; false when either is not there (or not theirs).</summary>
    public async Task<bool> SetInCollectionAsync(User user, long collectionId, string paperId, bool present, CancellationToken ct = default)
    {
        var id = ArxivId.Normalize(paperId);
        await using var c = await database.OpenAsync(ct);
        var owned = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM collections WHERE id = @collectionId AND user_id = @UserId", new { collectionId, UserId = user.Id }, cancellationToken: ct)) > 0;
        if (!owned || !await VisiblePaperAsync(c, id, user.Id, ct)) return false;
        await c.ExecuteAsync(new CommandDefinition(present
            ? "INSERT INTO collection_items (collection_id, paper_id, created_at) VALUES (@collectionId, @id, @now) ON CONFLICT DO NOTHING"
            : "DELETE FROM collection_items WHERE collection_id = @collectionId AND paper_id = @id",
            new { collectionId, id, now = StoredTime.Format(time.GetUtcNow()) }, cancellationToken: ct));
        return true;
    }

    /// <summary>A collection as <paramref name="viewer"/> may see it: public ones for everyone, group-only ones for that group's members, private ones for their owner only.</summary>
    public async Task<CollectionRow?> GetAsync(long collectionId, User? viewer, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var collection = await c.QuerySingleOrDefaultAsync<CollectionRow>(new CommandDefinition($"""
            SELECT k.*, u.name AS owner_name, {VisibleCount} AS papers
            FROM collections k JOIN users u ON u.id = k.user_id WHERE k.id = @collectionId
            """, new { collectionId, viewer = ViewerId(viewer) }, cancellationToken: ct));
        if (collection is null) return null;
        if (collection.IsPublic || collection.UserId == viewer?.Id) return collection;
        if (collection.GroupId is null || viewer is null or { Blocked: true }) return null;
        var inGroup = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM group_members WHERE group_id = @GroupId AND user_id = @viewerId", new { collection.GroupId, viewerId = viewer.Id }, cancellationToken: ct));
        return inGroup > 0 ? collection : null;
    }

    /// <summary>
    /// The collection's papers that <paramref name="viewer"/> may see: public ones for everyone, private
    /// ones only for members who may see them (a lab's draft in its group's collection shows to the group,
    /// and to nobody else even when the collection is public).
    /// </summary>
    public async Task<IReadOnlyList<Paper>> PapersAsync(CollectionRow collection, User? viewer, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Paper>(new CommandDefinition($"""
            SELECT p.* FROM collection_items i JOIN papers p ON p.id = i.paper_id
            WHERE i.collection_id = @Id AND {Private.PrivatePaperStore.Visible("p.")} ORDER BY i.created_at DESC, p.id
            """, new { collection.Id, viewer = ViewerId(viewer) }, cancellationToken: ct))).AsList();
    }

    /// <summary>The owner's collections, each with the number of its papers the owner may see.</summary>
    public async Task<IReadOnlyList<CollectionRow>> CollectionsAsync(User owner, bool publicOnly, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<CollectionRow>(new CommandDefinition($"""
            SELECT k.*, u.name AS owner_name, {VisibleCount} AS papers
            FROM collections k JOIN users u ON u.id = k.user_id
            WHERE k.user_id = @Id AND (k.is_public = TRUE OR @publicOnly = FALSE)
            ORDER BY k.name
            """, new { owner.Id, publicOnly, viewer = ViewerId(owner) }, cancellationToken: ct))).AsList();
    }

    /// <summary>The ids of the member's collections that hold the paper (the paper page says "✓ in …").</summary>
    public async Task<IReadOnlySet<long>> CollectionsHoldingAsync(long userId, string paperId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<long>(new CommandDefinition("""
            SELECT i.collection_id FROM collection_items i JOIN collections k ON k.id = i.collection_id
            WHERE k.user_id = @userId AND i.paper_id = @paperId
            """, new { userId, paperId = ArxivId.Normalize(paperId) }, cancellationToken: ct))).ToHashSet();
    }

    static async Task<bool> VisiblePaperAsync(System.Data.Common.DbConnection c, string id, long viewer, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM papers WHERE id = @id AND {Private.PrivatePaperStore.Visible()}", new { id, viewer }, cancellationToken: ct)) > 0;
}
