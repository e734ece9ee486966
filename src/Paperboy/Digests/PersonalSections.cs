using Paperboy.Papers;

namespace Paperboy.Digests;

/// <summary>One paper in a member's part of a digest, with the line that says why it is there.</summary>
public sealed record DigestPick(Paper Paper, string Why);

/// <summary>A titled part of a member's digest: "Picked for you", "New for your saved search …".</summary>
public sealed record DigestSection(string Title, IReadOnlyList<DigestPick> Picks);

/// <summary>
/// Something that adds a section to the digest of a subscriber tied to a member account
/// (recommendations, saved-search alerts). Registered in DI; the composer asks each one in
/// registration order and leaves out sections that come back null or empty.
/// </summary>
public interface IPersonalDigestSection
{
    Task<DigestSection?> ComposeAsync(long userId, DigestKind kind, Period period, CancellationToken ct);
}
