using System.Security.Cryptography;
using System.Text;

namespace Paperboy.Digests;

/// <summary>
/// Tokens mailed to subscribers: 256 random bits, URL-safe. The database keeps only their SHA-256,
/// so reading it does not let anyone confirm or unsubscribe an address.
/// </summary>
public static class Tokens
{
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Whether a string could be one of our tokens at all (cheap check before hashing and a query).</summary>
    public static bool LooksValid(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
