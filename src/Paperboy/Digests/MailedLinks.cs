using System.Data.Common;
using Dapper;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Digests;

/// <summary>
/// The links mailed with digests and alerts (unsubscribe, stop this alert), kept in Digests' table
/// <c>subscription_tokens</c> as hashes. Other features (Alerts) make and read their links through
/// here, inside their own transactions, instead of writing the table themselves.
/// </summary>
public static class MailedLinks
{
    /// <summary>Remembers a mailed token for <paramref name="subscriptionId"/>; <paramref name="savedSearchId"/> ties an alert's stop link to its search.</summary>
    public static async Task AddAsync(DbConnection c, DbTransaction tx, string token, long subscriptionId, string purpose, long? savedSearchId, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO subscription_tokens (token_hash, subscription_id, purpose, saved_search_id, created_at)
            VALUES (@hash, @subscriptionId, @purpose, @savedSearchId, @at)
            """, new { hash = Tokens.Hash(token), subscriptionId, purpose, savedSearchId, at = StoredTime.Format(now) }, tx, cancellationToken: ct));

    /// <summary>The saved search a mailed token of this purpose stops, or null for a token we never mailed.</summary>
    public static async Task<long?> SavedSearchOfAsync(DbConnection c, DbTransaction? tx, string? token, string purpose, CancellationToken ct)
    {
        if (!Tokens.LooksValid(token)) return null;
        return await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT saved_search_id FROM subscription_tokens WHERE token_hash = @hash AND purpose = @purpose",
            new { hash = Tokens.Hash(token!), purpose }, tx, cancellationToken: ct));
    }

    /// <summary>Forgets the links of a deleted saved search.</summary>
    public static async Task ForgetSavedSearchAsync(DbConnection c, DbTransaction tx, long savedSearchId, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM subscription_tokens WHERE saved_search_id = @savedSearchId", new { savedSearchId }, tx, cancellationToken: ct));
}
