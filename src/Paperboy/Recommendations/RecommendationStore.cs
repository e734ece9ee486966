using Dapper;
using Paperboy.Papers;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Recommendations;

/// <summary>Why a paper is one of a member's own: they upvoted, saved or collected it, or marked it "not interested".</summary>
public enum SignalKind { Upvoted, Saved, Collected, Dismissed }

public sealed record Signal(string PaperId, SignalKind Kind, string CreatedAt);

/// <summary>A member's recommendation setting row; defaults when they never changed anything.</summary>
public sealed record RecommendationSettings(int PersonalPercent, string? ResetAt, bool HasFeed, string? FeedCreated)
{
    public const int DefaultPersonalPercent = 80;
    public static readonly RecommendationSettings Default = new(DefaultPersonalPercent, null, false, null);
}

/// <summary>Reads and writes of what recommendations learn from and what members set: one SQL per operation.</summary>
public sealed class RecommendationStore(Database database, PaperStore papers, TimeProvider time)
{
    /// <summary>Everything the member did to papers, newest first: upvotes, library, collections and dismissals.</summary>
    public async Task<IReadOnlyList<Signal>> SignalsAsync(long userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<(string PaperId, string Kind, string CreatedAt)>(new CommandDefinition("""
            SELECT paper_id, 'u', created_at FROM votes WHERE user_id = @userId
            UNION ALL SELECT paper_id, 's', created_at FROM library_items WHERE user_id = @userId
            UNION ALL SELECT ci.paper_id, 'c', ci.created_at FROM collection_items ci JOIN collections k ON k.id = ci.collection_id WHERE k.user_id = @userId
            UNION ALL SELECT paper_id, 'd', created_at FROM not_interested WHERE user_id = @userId
            """, new { userId }, cancellationToken: ct));
        return rows.Select(r => new Signal(r.PaperId, r.Kind switch
        {
            "u" => SignalKind.Upvoted,
            "s" => SignalKind.Saved,
            "c" => SignalKind.Collected,
            _ => SignalKind.Dismissed,
        }, r.CreatedAt))
            .OrderByDescending(s => s.CreatedAt, StringComparer.Ordinal).ThenBy(s => s.PaperId, StringComparer.Ordinal).ToList();
    }

    public async Task<RecommendationSettings> SettingsAsync(long userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<(int Percent, string? ResetAt, string? Hash, string? Created)?>(new CommandDefinition(
            "SELECT personal_percent, reset_at, feed_token_hash, feed_token_created FROM recommendation_settings WHERE user_id = @userId",
            new { userId }, cancellationToken: ct));
        return row is { } r ? new RecommendationSettings(r.Percent, r.ResetAt, r.Hash is not null, r.Created) : RecommendationSettings.Default;
    }

    public async Task SetPersonalPercentAsync(long userId, int percent, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO recommendation_settings (user_id, personal_percent) VALUES (@userId, @percent)
            ON CONFLICT (user_id) DO UPDATE SET personal_percent = excluded.personal_percent
            """, new { userId, percent = Math.Clamp(percent, 0, 100) }, cancellationToken: ct));
    }

    /// <summary>
    /// Starts the model afresh: "not interested" marks are deleted and upvotes, library and collections
    /// from before now stop teaching the model (they stay where they are, and stay excluded from picks).
    /// </summary>
    public async Task ResetAsync(long userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM not_interested WHERE user_id = @userId", new { userId }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO recommendation_settings (user_id, personal_percent, reset_at) VALUES (@userId, @percent, @now)
            ON CONFLICT (user_id) DO UPDATE SET reset_at = excluded.reset_at
            """, new { userId, percent = RecommendationSettings.DefaultPersonalPercent, now = StoredTime.Format(time.GetUtcNow()) }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    /// <summary>Marks or unmarks a paper; false when there is no such (visible) paper.</summary>
    public async Task<bool> SetNotInterestedAsync(long userId, string paperId, bool dismissed, CancellationToken ct = default)
    {
        var id = ArxivId.Normalize(paperId);
        await using var c = await database.OpenAsync(ct);
        var exists = await c.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM papers WHERE id = @id AND hidden = FALSE", new { id }, cancellationToken: ct)) > 0;
        if (!exists) return false;
        await c.ExecuteAsync(new CommandDefinition(dismissed
            ? "INSERT INTO not_interested (user_id, paper_id, created_at) VALUES (@userId, @id, @now) ON CONFLICT (user_id, paper_id) DO NOTHING"
            : "DELETE FROM not_interested WHERE user_id = @userId AND paper_id = @id",
            new { userId, id, now = StoredTime.Format(time.GetUtcNow()) }, cancellationToken: ct));
        return true;
    }

    /// <summary>Whether the member has marked this paper "Not interested" (the paper page offers to take it back).</summary>
    public async Task<bool> IsNotInterestedAsync(long userId, string paperId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM not_interested WHERE user_id = @userId AND paper_id = @id", new { userId, id = ArxivId.Normalize(paperId) }, cancellationToken: ct)) > 0;
    }

    /// <summary>A new private feed token (returned once; only its hash is kept), replacing any earlier one.</summary>
    public async Task<string> CreateFeedTokenAsync(long userId, CancellationToken ct = default)
    {
        var token = Tokens.New();
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO recommendation_settings (user_id, personal_percent, feed_token_hash, feed_token_created) VALUES (@userId, @percent, @hash, @now)
            ON CONFLICT (user_id) DO UPDATE SET feed_token_hash = excluded.feed_token_hash, feed_token_created = excluded.feed_token_created
            """, new { userId, percent = RecommendationSettings.DefaultPersonalPercent, hash = Tokens.Hash(token), now = StoredTime.Format(time.GetUtcNow()) }, cancellationToken: ct));
        return token;
    }

    public async Task RevokeFeedTokenAsync(long userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE recommendation_settings SET feed_token_hash = NULL, feed_token_created = NULL WHERE user_id = @userId",
            new { userId }, cancellationToken: ct));
    }

    /// <summary>The member a private feed token belongs to, or null for an unknown, revoked or blocked one.</summary>
    public async Task<long?> FeedOwnerAsync(string token, CancellationToken ct = default)
    {
        if (!Tokens.LooksValid(token)) return null;
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long?>(new CommandDefinition("""
            SELECT s.user_id FROM recommendation_settings s JOIN users u ON u.id = s.user_id
            WHERE s.feed_token_hash = @hash AND u.blocked = FALSE
            """, new { hash = Tokens.Hash(token) }, cancellationToken: ct));
    }

    /// <summary>Visible papers by id, for showing picks and the papers they were close to.</summary>
    public Task<Dictionary<string, Paper>> PapersAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default) =>
        papers.VisibleByIdAsync(ids, ct);
}
