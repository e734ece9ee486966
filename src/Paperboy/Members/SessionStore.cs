using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Members;

/// <summary>
/// Sessions on the server (the <c>sessions</c> table): the cookie holds a random 256-bit key, the row
/// holds the ticket. A session ends when its row goes, so logging out really ends it, and
/// <see cref="EndAllAsync"/> ends a member's sessions everywhere (password change, block, "sign out
/// everywhere"). Shared by every instance on the database, like the key ring.
/// </summary>
public sealed class SessionStore(Database database, TimeProvider time) : ITicketStore
{
    static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(30);

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Tokens.New();
        var userId = ticket.Principal.MemberId() ?? throw new InvalidOperationException("a session needs a member");
        var now = time.GetUtcNow();
        await using var c = await database.OpenAsync();
        // Expired rows are swept as new sessions start: no job to schedule, and the table stays the size of the live sessions.
        await c.ExecuteAsync("DELETE FROM sessions WHERE expires_at < @now", new { now = StoredTime.Format(now) });
        await c.ExecuteAsync("""
            INSERT INTO sessions (key_hash, user_id, ticket, expires_at, created_at) VALUES (@hash, @userId, @ticket, @expires, @now)
            """, new { hash = Tokens.Hash(key), userId, ticket = Serialize(ticket), expires = Expiry(ticket, now), now = StoredTime.Format(now) });
        return key;
    }

    /// <summary>
    /// The framework renews the session of the request's cookie both when a session slides and when a request
    /// that already has a session signs in again (a password change re-issues the member's own cookie after
    /// every session row was deleted). A missing row is therefore written again, but only for a ticket that
    /// carries the member's current security stamp: a ticket from before "sign out everywhere", a password
    /// change or a block can never bring its session back.
    /// </summary>
    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        var userId = ticket.Principal.MemberId() ?? throw new InvalidOperationException("a session needs a member");
        var now = time.GetUtcNow();
        var row = new
        {
            hash = Tokens.Hash(key),
            userId,
            ticket = Serialize(ticket),
            expires = Expiry(ticket, now),
            now = StoredTime.Format(now),
            stamp = ticket.Principal.FindFirst(SiteAuth.StampClaim)?.Value ?? "",
        };
        await using var c = await database.OpenAsync();
        if (await c.ExecuteAsync("UPDATE sessions SET user_id = @userId, ticket = @ticket, expires_at = @expires WHERE key_hash = @hash", row) > 0) return;
        await c.ExecuteAsync("""
            INSERT INTO sessions (key_hash, user_id, ticket, expires_at, created_at)
            SELECT @hash, @userId, @ticket, @expires, @now WHERE EXISTS (SELECT 1 FROM users WHERE id = @userId AND security_stamp = @stamp AND blocked = FALSE)
            ON CONFLICT (key_hash) DO NOTHING
            """, row);
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        await using var c = await database.OpenAsync();
        var ticket = await c.QuerySingleOrDefaultAsync<string>("SELECT ticket FROM sessions WHERE key_hash = @hash AND expires_at > @now",
            new { hash = Tokens.Hash(key), now = StoredTime.Format(time.GetUtcNow()) });
        return ticket is null ? null : TicketSerializer.Default.Deserialize(Convert.FromBase64String(ticket));
    }

    public async Task RemoveAsync(string key)
    {
        await using var c = await database.OpenAsync();
        await c.ExecuteAsync("DELETE FROM sessions WHERE key_hash = @hash", new { hash = Tokens.Hash(key) });
    }

    /// <summary>Ends every session of the member, on every browser and instance.</summary>
    public async Task EndAllAsync(long userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM sessions WHERE user_id = @userId", new { userId }, cancellationToken: ct));
    }

    public async Task<long> CountAsync(long userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sessions WHERE user_id = @userId AND expires_at > @now", new { userId, now = StoredTime.Format(time.GetUtcNow()) }, cancellationToken: ct));
    }

    static string Serialize(AuthenticationTicket ticket) => Convert.ToBase64String(TicketSerializer.Default.Serialize(ticket));

    static string Expiry(AuthenticationTicket ticket, DateTimeOffset now) => StoredTime.Format(ticket.Properties.ExpiresUtc ?? now + DefaultLifetime);

}
