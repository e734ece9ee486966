using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Paperboy.Web;

/// <summary>
/// The one way Paperboy makes and keeps secrets that travel in links, cookies and headers (session
/// keys, API tokens, password resets, email confirmations, subscription links): random bits,
/// URL-safe base64 without padding. The database keeps only their SHA-256, so reading it lets no
/// one sign in, confirm or unsubscribe.
/// </summary>
public static class Tokens
{
    /// <summary>A new token of <paramref name="bytes"/> random bytes (256 bits by default: 43 characters).</summary>
    public static string New(int bytes = 32) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>What the database stores in place of a token: its SHA-256, lowercase hex.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Whether a string could be one of our 256-bit tokens at all (cheap check before hashing and a query).</summary>
    public static bool LooksValid(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
