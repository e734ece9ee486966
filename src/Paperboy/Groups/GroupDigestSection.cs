using Dapper;
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
        var from = Clock.Day(period.From) + "T00:00:00";
        var to = Clock.Day(period.To.AddDays(1)) + "T00:00:00";
        await using var c = await database.OpenAsync(ct);
        // Each row: a paper, the group, what happened and who did it; the reader's own actions are no news to them.
        var rows = (await c.QueryAsync<Activity>(new CommandDefinition($"""
            WITH mine AS (SELECT group_id FROM group_members WHERE user_id = @viewer),
            acts AS (
                SELECT v.paper_id, m.group_id, 'upvoted' AS what, u.name AS who FROM votes v
                JOIN group_members m ON m.user_id = v.user_id JOIN users u ON u.id = v.user_id
                WHERE m.group_id IN (SELECT group_id FROM mine) AND v.user_id <> @viewer AND v.created_at >= @from AND v.created_at < @to
                UNION ALL
                SELECT i.paper_id, m.group_id, 'collected' AS what, u.name AS who FROM collection_items i
                JOIN collections k ON k.id = i.collection_id JOIN group_members m ON m.user_id = k.user_id JOIN users u ON u.id = k.user_id
                WHERE m.group_id IN (SELECT group_id FROM mine) AND k.user_id <> @viewer AND i.created_at >= @from AND i.created_at < @to
                UNION ALL
                SELECT pp.paper_id, pp.group_id, 'shared' AS what, COALESCE(u.name, '') AS who FROM private_papers pp
                LEFT JOIN users u ON u.id = pp.owner_id
                WHERE pp.group_id IN (SELECT group_id FROM mine) AND (pp.owner_id IS NULL OR pp.owner_id <> @viewer)
                  AND pp.created_at >= @from AND pp.created_at < @to)
            SELECT a.paper_id, g.name AS group_name, a.what, a.who FROM acts a
            JOIN groups g ON g.id = a.group_id JOIN papers p ON p.id = a.paper_id
            WHERE {Private.PrivatePaperStore.Visible("p.")}
            """, new { viewer = userId, from, to }, cancellationToken: ct))).AsList();
        if (rows.Count == 0) return null;
        var chosen = rows.GroupBy(r => r.PaperId)
            .OrderByDescending(g => g.Select(r => r.Who).Distinct().Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(Picks).ToList();
        var picks = new List<DigestPick>();
        foreach (var pick in chosen)
        {
            if (await c.QuerySingleOrDefaultAsync<Paper>(new CommandDefinition("SELECT * FROM papers WHERE id = @id", new { id = pick.Key }, cancellationToken: ct)) is { } paper)
                picks.Add(new DigestPick(paper, Why(pick.ToList())));
        }
        return new DigestSection(Title, picks);
    }

    /// <summary>"The Lab: upvoted by ada, carol · collected by bob".</summary>
    static string Why(IReadOnlyList<Activity> acts) => string.Join(" · ", acts.GroupBy(a => a.GroupName).Select(byGroup =>
        byGroup.Key + ": " + string.Join(", ", byGroup.GroupBy(a => a.What).Select(byWhat => byWhat.Key == "shared"
            ? "new private paper" + (byWhat.First().Who.Length > 0 ? $" from {byWhat.First().Who}" : "")
            : $"{byWhat.Key} by {string.Join(", ", byWhat.Select(a => a.Who).Distinct().Order(StringComparer.Ordinal))}"))));

    sealed class Activity
    {
        public string PaperId { get; set; } = "";
        public string GroupName { get; set; } = "";
        public string What { get; set; } = "";
        public string Who { get; set; } = "";
    }
}
