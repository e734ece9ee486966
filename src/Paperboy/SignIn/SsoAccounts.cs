using Dapper;
using Paperboy.Members;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.SignIn;

/// <summary>What the provider said about the person signing in (claims of a validated ID token).</summary>
public sealed record SsoIdentity(string Issuer, string Subject, string? Email, bool EmailVerified);

/// <summary>Why a provider's sign-in did not make a session; the codes travel in the refusal page's URL.</summary>
public static class SsoRefusal
{
    public const string Domain = "domain";
    public const string UnverifiedEmail = "email";
    public const string UnconfirmedAccount = "unconfirmed";
    public const string Blocked = "blocked";
}

/// <summary>
/// Turns a provider's identity into a member (the <c>sso_logins</c> table). A known identity (issuer +
/// subject) signs in its member. A new one needs an address the provider marks verified
/// (<c>email_verified: true</c>) in an allowed domain; it then joins the member with that address if
/// their address is verified here too, or becomes a new member. An unverified account with the same
/// address is never joined: whoever registered it may not own the address, and joining would hand
/// them the provider's person (account pre-hijacking).
/// </summary>
public sealed class SsoAccounts(Database database, MemberStore members, SignInSettings settings, TimeProvider time)
{
    public async Task<(User? User, string? Refusal)> ResolveAsync(SsoIdentity identity, CancellationToken ct = default)
    {
        // The domain rule applies at every sign-in, so narrowing PAPERBOY_OIDC_DOMAINS shuts out links made before.
        if (identity.Email is not null && !settings.AllowsEmail(identity.Email)) return (null, SsoRefusal.Domain);
        var user = await LinkedAsync(identity, ct);
        if (user is null)
        {
            if (identity.Email is null || !identity.EmailVerified || MemberStore.CheckEmail(identity.Email) is not null)
                return (null, SsoRefusal.UnverifiedEmail);
            var existing = await members.FindByEmailAsync(identity.Email, ct);
            if (existing is { EmailVerified: false }) return (null, SsoRefusal.UnconfirmedAccount);
            user = existing ?? await CreateAsync(identity.Email, ct);
            if (user is null) return (null, SsoRefusal.UnconfirmedAccount);
            user = await LinkAsync(identity, user, ct);
        }
        return user.Blocked ? (null, SsoRefusal.Blocked) : (user, null);
    }

    async Task<User?> LinkedAsync(SsoIdentity identity, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var userId = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT user_id FROM sso_logins WHERE issuer = @Issuer AND subject = @Subject", identity, cancellationToken: ct));
        if (userId is null) return null;
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE sso_logins SET last_used_at = @now, email = COALESCE(@Email, email) WHERE issuer = @Issuer AND subject = @Subject",
            new { identity.Issuer, identity.Subject, Email = identity.Email is null ? null : MemberStore.NormalizeEmail(identity.Email), now = Now() },
            cancellationToken: ct));
        return await members.GetAsync(userId.Value, ct);
    }

    /// <summary>Records the link; when two first sign-ins of one identity race, both end up with the member the first one linked.</summary>
    async Task<User> LinkAsync(SsoIdentity identity, User user, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO sso_logins (issuer, subject, user_id, email, created_at, last_used_at) VALUES (@Issuer, @Subject, @userId, @email, @now, @now)
            ON CONFLICT (issuer, subject) DO NOTHING
            """, new { identity.Issuer, identity.Subject, userId = user.Id, email = user.Email, now = Now() }, cancellationToken: ct));
        var owner = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT user_id FROM sso_logins WHERE issuer = @Issuer AND subject = @Subject", identity, cancellationToken: ct));
        return owner == user.Id ? user : (await members.GetAsync(owner, ct))!;
    }

    /// <summary>
    /// A new member for a verified address, named from it. The password is random and never shown: the member
    /// signs in through the provider (or sets a password with a reset link, when password sign-in is on).
    /// </summary>
    async Task<User?> CreateAsync(string email, CancellationToken ct)
    {
        var (user, _) = await members.CreateAsync(email, null, MemberStore.GeneratePassword() + MemberStore.GeneratePassword(), admin: false, ct);
        if (user is null)
        {
            // Lost a race for the address: to a first sign-in of the same person (verified: theirs is the member),
            // or to a password registration (unverified: refused like any unverified account).
            var other = await members.FindByEmailAsync(email, ct);
            return other is { EmailVerified: true } ? other : null;
        }
        await members.MarkEmailVerifiedAsync(user.Id, user.Email, ct);
        return await members.GetAsync(user.Id, ct);
    }

    string Now() => StoredTime.Format(time.GetUtcNow());
}
