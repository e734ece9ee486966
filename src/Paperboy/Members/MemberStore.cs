using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Members;

/// <summary>A row of <c>users</c>.</summary>
public sealed class User
{
    public long Id { get; set; }
    public string Email { get; set; } = "";
    public string Name { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    public string SecurityStamp { get; set; } = "";
    public bool IsAdmin { get; set; }
    public bool Blocked { get; set; }
    public long FailedLogins { get; set; }
    public string? LockedUntil { get; set; }
    public string CreatedAt { get; set; } = "";

    /// <summary>When the member proved they read mail at <see cref="Email"/>; null: never (see docs/SECURITY.md, "Email verification").</summary>
    public string? EmailVerifiedAt { get; set; }
    public bool EmailVerified => EmailVerifiedAt is not null;
}

public sealed class ApiToken
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string Prefix { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public string? LastUsedAt { get; set; }
}

public enum SignInResult { Ok, Failed, Blocked }

/// <summary>
/// Accounts, passwords and API tokens. Passwords go through ASP.NET Core Identity's hasher
/// (PBKDF2-HMAC-SHA512, 100k iterations, per-password salt; a hash made with fewer iterations than
/// the hasher's is redone at the next sign-in); tokens are random 256-bit strings of which only the
/// SHA-256 is stored, so a leaked database leaks no usable credential.
/// </summary>
public sealed partial class MemberStore(Database database, CommunityOptions options, TimeProvider time, IPasswordHasher<User> hasher)
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;

    /// <summary>For the command line: the hasher the site registers (<see cref="MemberApi.AddMembers"/>), with Identity's defaults.</summary>
    public MemberStore(Database database, CommunityOptions options, TimeProvider time) : this(database, options, time, new PasswordHasher<User>()) { }

    // A hash of a random password, verified when an email is unknown, so that sign-in takes
    // as long for a stranger as for a member and timing does not reveal which emails exist.
    // Made on the first such sign-in, so a command that never signs anyone in does not pay for it.
    readonly Lazy<string> _dummyHash = new(() => hasher.HashPassword(new User(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{1,31}$")]
    private static partial Regex HandlePattern();

    [GeneratedRegex(@"^[^@\s<>""']+@[^@\s<>""']+\.[^@\s<>""']+$")]
    private static partial Regex EmailPattern();

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static string? CheckEmail(string? email) =>
        string.IsNullOrWhiteSpace(email) || email.Length > 254 || !EmailPattern().IsMatch(email.Trim()) ? "Enter a valid email address." : null;

    public static string? CheckName(string? name) =>
        name is null || !HandlePattern().IsMatch(name)
            ? "A name is 2 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit." : null;

    /// <summary>
    /// NIST SP 800-63B §5.1.1.2: at least 10 characters, no composition rules, and nothing easy to guess.
    /// "Easy" is judged by zxcvbn (Dropbox's estimator: common-password and word lists, keyboard
    /// patterns, sequences, dates, l33t substitutions), with the member's email and name as words an
    /// attacker would try first; a password it scores below 3 (guessable in fewer than 10^10 tries) is
    /// refused. One rule for registering, changing, resetting and the command line.
    /// </summary>
    public static string? CheckPassword(string? password, string? email = null, string? name = null)
    {
        if (password is null || password.Length < MinPasswordLength || password.Length > MaxPasswordLength)
            return $"A password is {MinPasswordLength} to {MaxPasswordLength} characters.";
        if (Strength.EvaluatePassword(password, RelatedWords(email, name)).Score < MinPasswordScore)
            return "That password is too easy to guess: it is a common password, a simple pattern, or made from your email or name. A few unrelated words make a strong one.";
        return null;
    }

    const int MinPasswordScore = 3;

    // One estimator for the process, as zxcvbn's own documentation advises: its static MatchPassword makes new
    // matchers each time, which re-read its word lists (~30,000 passwords, names and English words) into
    // dictionaries on every check, ~25 ms of CPU each. The matchers keep no state between checks (the word lists
    // load once, thread-safely); the member's own words are a matcher made per check.
    static readonly Zxcvbn.Zxcvbn Strength = new();

    // The whole address, its local part and each part of the domain: "ada@example.org1" is no secret.
    static List<string> RelatedWords(string? email, string? name)
    {
        var words = new List<string>();
        if (!string.IsNullOrWhiteSpace(email))
        {
            var e = NormalizeEmail(email);
            words.Add(e);
            words.AddRange(e.Split('@', '.', '+', '-', '_').Where(w => w.Length >= 3));
        }
        if (!string.IsNullOrWhiteSpace(name))
        {
            words.Add(name.ToLowerInvariant());
            words.AddRange(name.ToLowerInvariant().Split('.', '_', '-').Where(w => w.Length >= 3));
        }
        words.Add("paperboy");
        return words;
    }

    public static string GeneratePassword() => Tokens.New(15);

    /// <summary>Creates a member. The first member ever created with <paramref name="admin"/> is an admin; later ones need promotion by an admin.</summary>
    public async Task<(User? User, string? Error)> CreateAsync(string email, string? name, string password, bool admin, CancellationToken ct = default)
    {
        if (CheckEmail(email) is { } emailError) return (null, emailError);
        email = NormalizeEmail(email);
        name ??= await FreeNameAsync(email, ct);
        if (CheckName(name) is { } nameError) return (null, nameError);
        if (CheckPassword(password, email, name) is { } passwordError) return (null, passwordError);

        var hash = hasher.HashPassword(new User(), password);
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (admin)
        {
            // "First member created with --admin": once any admin exists, promotion is an admin's decision.
            admin = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM users WHERE is_admin = TRUE", transaction: tx, cancellationToken: ct)) == 0;
        }
        var id = await c.ExecuteScalarAsync<long?>(new CommandDefinition("""
            INSERT INTO users (email, name, password_hash, security_stamp, is_admin, blocked, failed_logins, created_at)
            VALUES (@email, @name, @hash, @stamp, @admin, FALSE, 0, @now)
            ON CONFLICT DO NOTHING
            RETURNING id
            """, new { email, name, hash, stamp = NewStamp(), admin, now = StoredTime.Format(time.GetUtcNow()) }, tx, cancellationToken: ct));
        if (id is null) return (null, "That email or name is already registered.");
        await tx.CommitAsync(ct);
        return (await GetAsync(id.Value, ct), null);
    }

    async Task<string> FreeNameAsync(string email, CancellationToken ct)
    {
        var local = new string(email.Split('@')[0].Where(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-').ToArray());
        local = local.TrimStart('_', '.', '-');
        if (local.Length < 2) local = "member";
        if (local.Length > 24) local = local[..24];
        await using var c = await database.OpenAsync(ct);
        var candidate = local;
        for (var i = 2; await c.ExecuteScalarAsync<long>(new CommandDefinition(
                 "SELECT COUNT(*) FROM users WHERE name = @candidate", new { candidate }, cancellationToken: ct)) > 0; i++)
            candidate = $"{local}{i}";
        return candidate;
    }

    public async Task<User?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<User>(new CommandDefinition("SELECT * FROM users WHERE id = @id", new { id }, cancellationToken: ct));
    }

    public async Task<User?> FindByEmailAsync(string email, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            "SELECT * FROM users WHERE email = @email", new { email = NormalizeEmail(email) }, cancellationToken: ct));
    }

    public async Task<User?> FindByNameAsync(string name, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            "SELECT * FROM users WHERE name = @name", new { name }, cancellationToken: ct));
    }

    /// <summary>
    /// Checks a password with lockout: after <see cref="CommunityOptions.LockoutFailures"/> failures in a row the account
    /// refuses every password for <see cref="CommunityOptions.LockoutMinutes"/>. Unknown emails, wrong passwords and
    /// locked accounts all give <see cref="SignInResult.Failed"/>, so the answer never tells whether an email exists.
    /// </summary>
    public async Task<(SignInResult Result, User? User)> SignInAsync(string? email, string? password, CancellationToken ct = default)
    {
        password ??= "";
        var user = string.IsNullOrWhiteSpace(email) ? null : await FindByEmailAsync(email, ct);
        if (user is null)
        {
            hasher.VerifyHashedPassword(new User(), _dummyHash.Value, password);
            return (SignInResult.Failed, null);
        }
        var now = time.GetUtcNow();
        var locked = user.LockedUntil is not null && string.CompareOrdinal(user.LockedUntil, StoredTime.Format(now)) > 0;
        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        await using var c = await database.OpenAsync(ct);
        if (locked || verdict == PasswordVerificationResult.Failed)
        {
            if (!locked)
            {
                // Counted in SQL, not in memory, so parallel guesses cannot slip past the limit.
                await c.ExecuteAsync(new CommandDefinition("""
                    UPDATE users SET
                        locked_until = CASE WHEN failed_logins + 1 >= @max THEN @until ELSE locked_until END,
                        failed_logins = CASE WHEN failed_logins + 1 >= @max THEN 0 ELSE failed_logins + 1 END
                    WHERE id = @id
                    """, new { id = user.Id, max = options.LockoutFailures, until = StoredTime.Format(now.AddMinutes(options.LockoutMinutes)) },
                    cancellationToken: ct));
            }
            return (SignInResult.Failed, null);
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
            user.PasswordHash = hasher.HashPassword(user, password);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET failed_logins = 0, locked_until = NULL, password_hash = @PasswordHash WHERE id = @Id", user, cancellationToken: ct));
        return user.Blocked ? (SignInResult.Blocked, user) : (SignInResult.Ok, user);
    }

    /// <summary>Sets a new password and a new security stamp, and ends every session of the member (the caller may start a new one).</summary>
    public async Task<User> SetPasswordAsync(User user, string password, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET password_hash = @hash, security_stamp = @stamp, failed_logins = 0, locked_until = NULL WHERE id = @id",
            new { id = user.Id, hash = hasher.HashPassword(user, password), stamp = NewStamp() }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM sessions WHERE user_id = @id", new { id = user.Id }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return (await GetAsync(user.Id, ct))!;
    }

    /// <summary>"Sign out everywhere": every session of the member ends, on every browser and instance (API tokens stay).</summary>
    public async Task EndSessionsAsync(User user, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        // The new stamp also refuses any session ticket a racing request is writing right now.
        await c.ExecuteAsync(new CommandDefinition("UPDATE users SET security_stamp = @stamp WHERE id = @id",
            new { id = user.Id, stamp = NewStamp() }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM sessions WHERE user_id = @id", new { id = user.Id }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    /// <summary>Records that the member proved <paramref name="email"/> is theirs; nothing changes when the account's address is another one by now.</summary>
    public async Task<bool> MarkEmailVerifiedAsync(long userId, string email, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET email_verified_at = COALESCE(email_verified_at, @now) WHERE id = @userId AND email = @email",
            new { userId, email = NormalizeEmail(email), now = StoredTime.Format(time.GetUtcNow()) }, cancellationToken: ct)) > 0;
    }

    public bool VerifyPassword(User user, string? password) =>
        password is not null && hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;

    // ---- Password resets -------------------------------------------------------------------

    static readonly TimeSpan ResetLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// At most one reset mail per member in this time, so nobody can flood a member's inbox. Kept in the
    /// database, not in a rate limiter, so it holds across every instance on one database.
    /// </summary>
    public static readonly TimeSpan ResetCooldown = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A one-hour, single-use reset token for the email's member; null when no member has that email,
    /// or when one was made for them within <see cref="ResetCooldown"/> (that mail is still on its way).
    /// </summary>
    public async Task<(User User, string Token)?> CreateResetAsync(string? email, CancellationToken ct = default)
    {
        if (CheckEmail(email) is not null) return null;
        var user = await FindByEmailAsync(email!, ct);
        if (user is null || user.Blocked) return null;
        var token = Tokens.New();
        var now = time.GetUtcNow();
        await using var c = await database.OpenAsync(ct);
        // expires_at - lifetime is when a reset was made: one made after now - cooldown blocks this one.
        var made = await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO password_resets (token_hash, user_id, expires_at)
            SELECT @hash, @Id, @expires
            WHERE NOT EXISTS (SELECT 1 FROM password_resets WHERE user_id = @Id AND used_at IS NULL AND expires_at > @recent)
            """, new
        {
            hash = Tokens.Hash(token),
            user.Id,
            expires = StoredTime.Format(now + ResetLifetime),
            recent = StoredTime.Format(now + ResetLifetime - ResetCooldown),
        }, cancellationToken: ct));
        return made > 0 ? (user, token) : null;
    }

    /// <summary>
    /// Uses a reset token (once, before it expires) to set a new password. No user and no error: the token is
    /// not valid. A password the rule refuses leaves the token unused, so the member can try another.
    /// </summary>
    public async Task<(User? User, string? Error)> ResetPasswordAsync(string? token, string password, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return (null, null);
        await using var c = await database.OpenAsync(ct);
        var now = StoredTime.Format(time.GetUtcNow());
        var owner = await c.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            "SELECT u.* FROM password_resets r JOIN users u ON u.id = r.user_id WHERE r.token_hash = @hash AND r.used_at IS NULL AND r.expires_at > @now",
            new { hash = Tokens.Hash(token), now }, cancellationToken: ct));
        if (owner is null) return (null, null);
        if (CheckPassword(password, owner.Email, owner.Name) is { } error) return (null, error);
        // Marking it used and reading its member is one statement, so two uses of one link cannot both pass.
        var userId = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "UPDATE password_resets SET used_at = @now WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now RETURNING user_id",
            new { hash = Tokens.Hash(token), now }, cancellationToken: ct));
        var user = userId is null ? null : await GetAsync(userId.Value, ct);
        // The link reached the member's mailbox: that proves the address as well as a confirmation link would.
        if (user is not null) await MarkEmailVerifiedAsync(user.Id, user.Email, ct);
        return (user is null ? null : await SetPasswordAsync(user, password, ct), null);
    }

    // ---- API tokens -------------------------------------------------------------------------

    /// <summary>Creates a token and returns it; this is the only time the token itself exists outside the member's hands.</summary>
    public async Task<string> CreateTokenAsync(User user, string name, CancellationToken ct = default)
    {
        var token = "pb_" + Tokens.New();
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES (@UserId, @Name, @Hash, @Prefix, @Now)
            """, new
        {
            UserId = user.Id,
            Name = string.IsNullOrWhiteSpace(name) ? "token" : name.Trim()[..Math.Min(name.Trim().Length, 60)],
            Hash = Tokens.Hash(token),
            Prefix = token[..9],
            Now = StoredTime.Format(time.GetUtcNow())
        }, cancellationToken: ct));
        return token;
    }

    public async Task<IReadOnlyList<ApiToken>> TokensAsync(User user, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<ApiToken>(new CommandDefinition(
            "SELECT id, name, prefix, created_at, last_used_at FROM api_tokens WHERE user_id = @Id ORDER BY created_at DESC, id DESC",
            new { user.Id }, cancellationToken: ct))).AsList();
    }

    /// <summary>Revokes one of the member's own tokens; another member's token id changes nothing.</summary>
    public async Task<bool> RevokeTokenAsync(User user, long tokenId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM api_tokens WHERE id = @tokenId AND user_id = @userId", new { tokenId, userId = user.Id }, cancellationToken: ct)) > 0;
    }

    public async Task<User?> AuthenticateTokenAsync(string token, CancellationToken ct = default)
    {
        if (token.Length is < 10 or > 200) return null;
        var hash = Tokens.Hash(token);
        await using var c = await database.OpenAsync(ct);
        var user = await c.QuerySingleOrDefaultAsync<User>(new CommandDefinition("""
            SELECT u.* FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = @hash
            """, new { hash }, cancellationToken: ct));
        if (user is null) return null;
        // Only touch the row once a minute: a busy script must not turn every read into a write.
        var now = time.GetUtcNow();
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET last_used_at = @now WHERE token_hash = @hash AND (last_used_at IS NULL OR last_used_at < @before)",
            new { hash, now = StoredTime.Format(now), before = StoredTime.Format(now.AddMinutes(-1)) }, cancellationToken: ct));
        return user;
    }


    static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

}
