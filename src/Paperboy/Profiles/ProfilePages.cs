using Dapper;
using Paperboy.Feed;
using Paperboy.Groups;
using Paperboy.Library;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Profiles;

/// <summary>What a member's public page shows: only what is public anyway (their submissions, public collections, groups).</summary>
public sealed record ProfileView(User Member, IReadOnlyList<Paper> Submitted, IReadOnlyList<CollectionRow> Collections, IReadOnlyList<Group> Groups);

/// <summary>
/// /members/{name}: a member's public profile, where "Submitted by" on a card leads. Nothing on it
/// is private: hidden and private papers are left out, private collections too, and a blocked
/// member has no page.
/// </summary>
public static class ProfilePages
{
    public const int Shown = 30;

    public static string Href(string name) => "/members/" + Uri.EscapeDataString(name);

    public static IEndpointRouteBuilder MapProfiles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/members/{name}", ProfileAsync);
        return app;
    }

    static async Task<IResult> ProfileAsync(string name, HttpContext http, MemberStore members, Database database)
    {
        var ct = http.RequestAborted;
        if (await members.FindByNameAsync(name, ct) is not { Blocked: false } member)
        {
            return new PageResult<MessagePage>(new Dictionary<string, object?>
            {
                [nameof(MessagePage.Heading)] = "Member not found",
                [nameof(MessagePage.Message)] = "No member goes by that name here.",
                [nameof(MessagePage.Back)] = null,
            }, StatusCodes.Status404NotFound);
        }
        // Read before taking a connection: a page holds one at a time.
        var viewer = await http.CurrentMemberAsync();
        await using var c = await database.OpenAsync(ct);
        var submitted = (await c.QueryAsync<Paper>(new CommandDefinition($"""
            SELECT p.* FROM papers p WHERE p.hidden = FALSE AND p.id IN (SELECT s.paper_id FROM submissions s WHERE s.user_id = @Id)
            ORDER BY p.published DESC, p.id LIMIT {Shown}
            """, new { member.Id }, cancellationToken: ct))).AsList();
        // Each count is of the papers the reader may see (a private paper in a public collection counts for those who may see it only).
        var collections = (await c.QueryAsync<CollectionRow>(new CommandDefinition($"""
            SELECT k.*, @Name AS owner_name, {LibraryStore.VisibleCount} AS papers
            FROM collections k WHERE k.user_id = @Id AND k.is_public = TRUE ORDER BY k.name
            """, new { member.Id, member.Name, viewer = LibraryStore.ViewerId(viewer) }, cancellationToken: ct))).AsList();
        var groups = (await c.QueryAsync<Group>(new CommandDefinition("""
            SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.user_id = @Id ORDER BY g.name
            """, new { member.Id }, cancellationToken: ct))).AsList();
        // Back to the pool before the sections take theirs: a page holds one connection at a time.
        await c.CloseAsync();
        var sections = await PageSections.LoadAsync(new ProfilePageContext(member), http);
        return SitePages.Page<MemberProfilePage>(http, new { View = new ProfileView(member, submitted, collections, groups), Sections = sections });
    }
}
