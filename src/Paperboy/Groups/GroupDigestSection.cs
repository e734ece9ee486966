using Paperboy.Digests;
using Paperboy.Papers;
using Paperboy.Storage;

namespace Paperboy.Groups;

public static class GroupDigest
{
    /// <summary>Registered after the other sections, so it comes below "Picked for you" and the alerts.</summary>
    public static IServiceCollection AddGroupDigest(this IServiceCollection services) => services.AddSingleton<IPersonalDigestSection, GroupDigestSection>();
}

/// <summary>
/// "From your groups" in a member's digest: papers the other members of their groups upvoted or put in a
/// collection during the digest's period, and the groups' new private papers. Only for members of a group,
/// only about their own groups, and only papers the reader may see (a private paper of another group that
/// a fellow member also belongs to stays out).
/// </summary>
public sealed class GroupDigestSection(Database database) : IPersonalDigestSection
{
    public const string Title = "From your groups";
    public const int Picks = 10;

    public async Task<DigestSection?> ComposeAsync(long userId, DigestKind kind, Period period, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var picks = await GroupPicks.OfAsync(c, period, userId, groupId: null, Picks, ct);
        return picks.Count == 0 ? null : new DigestSection(Title, picks.Select(p => new DigestPick(p.Paper, p.Why)).ToList());
    }
}
