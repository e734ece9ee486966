using System.Data.Common;
using Dapper;
using Paperboy.Papers;
using Paperboy.Storage;

namespace Paperboy.Groups;

/// <summary>A paper a group's members picked in a period, and why: "The Lab: upvoted by ada, carol · collected by bob".</summary>
public sealed record GroupPick(Paper Paper, string Why);

/// <summary>
/// What a group's members upvoted or put in a collection during a period, and its new private papers,
/// most-picked first: the "From your groups" digest section reads it for one member's groups, a group's
/// webhook for that one group. The reader decides what may be shown: a member sees what they may open
/// (their groups' private papers too, never their own actions); <see cref="Outside"/> (a webhook, whose
/// channel may hold anyone) sees public papers only.
/// </summary>
public static class GroupPicks
{
    /// <summary>The viewer id that sees public papers only and whose own actions are nobody's.</summary>
    public const long Outside = 0;

    /// <param name="groupId">One group; null: every group <paramref name="viewer"/> belongs to.</param>
    public static async Task<IReadOnlyList<GroupPick>> OfAsync(DbConnection c, Period period, long viewer, long? groupId, int limit, CancellationToken ct)
    {
        var from = StoredTime.FormatDay(period.From) + "T00:00:00";
        var to = StoredTime.FormatDay(period.To.AddDays(1)) + "T00:00:00";
        var groups = groupId is null ? "SELECT group_id FROM group_members WHERE user_id = @viewer" : "SELECT @groupId AS group_id";
        // Each row: a paper, the group, what happened and who did it; the reader's own actions are no news to them.
        var rows = (await c.QueryAsync<Activity>(new CommandDefinition($"""
            WITH scope AS ({groups}),
            acts AS (
                SELECT v.paper_id, m.group_id, 'upvoted' AS what, u.name AS who FROM votes v
                JOIN group_members m ON m.user_id = v.user_id JOIN users u ON u.id = v.user_id
                WHERE m.group_id IN (SELECT group_id FROM scope) AND v.user_id <> @viewer AND v.created_at >= @from AND v.created_at < @to
                UNION ALL
                SELECT i.paper_id, m.group_id, 'collected' AS what, u.name AS who FROM collection_items i
                JOIN collections k ON k.id = i.collection_id JOIN group_members m ON m.user_id = k.user_id JOIN users u ON u.id = k.user_id
                WHERE m.group_id IN (SELECT group_id FROM scope) AND k.user_id <> @viewer AND i.created_at >= @from AND i.created_at < @to
                UNION ALL
                SELECT pp.paper_id, pp.group_id, 'shared' AS what, COALESCE(u.name, '') AS who FROM private_papers pp
                LEFT JOIN users u ON u.id = pp.owner_id
                WHERE pp.group_id IN (SELECT group_id FROM scope) AND (pp.owner_id IS NULL OR pp.owner_id <> @viewer)
                  AND pp.created_at >= @from AND pp.created_at < @to)
            SELECT a.paper_id, g.name AS group_name, a.what, a.who FROM acts a
            JOIN groups g ON g.id = a.group_id JOIN papers p ON p.id = a.paper_id
            WHERE {Private.PrivatePaperStore.Visible("p.")}
            """, new { viewer, groupId = groupId ?? 0, from, to }, cancellationToken: ct))).AsList();
        if (rows.Count == 0) return [];
        var chosen = rows.GroupBy(r => r.PaperId)
            .OrderByDescending(g => g.Select(r => r.Who).Distinct().Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(limit).ToList();
        var picks = new List<GroupPick>();
        foreach (var pick in chosen)
        {
            if (await c.QuerySingleOrDefaultAsync<Paper>(new CommandDefinition("SELECT * FROM papers WHERE id = @id", new { id = pick.Key }, cancellationToken: ct)) is { } paper)
                picks.Add(new GroupPick(paper, Why(pick.ToList())));
        }
        return picks;
    }

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
