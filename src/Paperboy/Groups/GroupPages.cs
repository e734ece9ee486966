using Dapper;
using Microsoft.AspNetCore.Mvc;
using Paperboy.Feed;
using Paperboy.Library;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Private;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Groups;

/// <summary>
/// What a group page shows; the private parts are filled only for the group's members, and its private
/// papers only for those whose address is confirmed (<see cref="Confirmed"/> false: the page says why there are none).
/// </summary>
public sealed record GroupView(Group Group, IReadOnlyList<GroupMember> Members, IReadOnlyList<Paper> Submitted,
    IReadOnlyList<CollectionRow> Collections, IReadOnlyList<Paper> PrivatePapers, bool IsMember, bool Confirmed = true);

/// <summary>A group page as its sections see it (<see cref="IPageSection{TPage}"/>): the group shown.</summary>
public sealed record GroupPageContext(Group Group)
{
    /// <summary>After the member list, before the private papers.</summary>
    public const string AfterMembers = "after-members";
}

/// <summary>
/// <c>/groups/{slug}</c> (like a Hugging Face organisation page: members, their papers, their public
/// collections, and for members the group's private papers) and <c>/admin/groups</c>, where admins
/// create groups and add members by email.
/// </summary>
public static class GroupPages
{
    public static IEndpointRouteBuilder MapGroups(this IEndpointRouteBuilder app)
    {
        app.MapGet("/groups/{slug}", GroupAsync);
        // The site's admin policy (Web/Policies): the same refusal as /admin for anyone else.
        app.MapGet("/admin/groups", async (HttpContext http, GroupStore groups) =>
            SitePages.Page<GroupAdminPage>(http, new { Groups = await groups.AllAsync(http.RequestAborted) }))
            .RequireAuthorization(Policies.Admin).SignInReturnsTo("/admin/groups");
        app.MapPost("/admin/groups", AdminFormAsync).RequireAuthorization(Policies.Admin).SignInReturnsTo("/admin/groups");
        return app;
    }


    static async Task<IResult> GroupAsync(string slug, HttpContext http, GroupStore groups, PrivatePaperStore privates, Database database)
    {
        var group = await groups.GetAsync(slug, http.RequestAborted);
        if (group is null)
        {
            return new PageResult<MessagePage>(new Dictionary<string, object?>
            {
                [nameof(MessagePage.Heading)] = "Group not found",
                [nameof(MessagePage.Message)] = "There is no such group here.",
                [nameof(MessagePage.Back)] = null,
            }, StatusCodes.Status404NotFound);
        }
        var viewer = await http.CurrentMemberAsync();
        var isMember = viewer is { Blocked: false } && await groups.IsMemberAsync(group, viewer.Id, http.RequestAborted);
        // The page differs for members: never from a shared cache.
        http.Response.Headers.CacheControl = "private, no-store";
        var members = await groups.MembersAsync(group, http.RequestAborted);
        await using var c = await database.OpenAsync(http.RequestAborted);
        var submitted = (await c.QueryAsync<Paper>(new CommandDefinition("""
            SELECT p.* FROM papers p WHERE p.hidden = FALSE AND p.id IN (
                SELECT s.paper_id FROM submissions s JOIN group_members m ON m.user_id = s.user_id WHERE m.group_id = @Id)
            ORDER BY p.published DESC, p.id LIMIT 30
            """, new { group.Id }, cancellationToken: http.RequestAborted))).AsList();
        // Each collection's count is of the papers this viewer may see, as its page lists them.
        var collections = (await c.QueryAsync<CollectionRow>(new CommandDefinition($"""
            SELECT k.*, u.name AS owner_name, {LibraryStore.VisibleCount} AS papers
            FROM collections k JOIN users u ON u.id = k.user_id
            WHERE (k.is_public = TRUE AND k.user_id IN (SELECT m.user_id FROM group_members m WHERE m.group_id = @Id))
               OR (k.group_id = @Id AND @isMember = TRUE)
            ORDER BY k.name
            """, new { group.Id, isMember, viewer = LibraryStore.ViewerId(viewer) }, cancellationToken: http.RequestAborted))).AsList();
        var privatePapers = isMember ? await privates.VisibleAsync(viewer, group.Id, http.RequestAborted) : [];
        // Back to the pool before the sections take theirs: a page holds one connection at a time.
        await c.CloseAsync();
        var sections = await PageSections.LoadAsync(new GroupPageContext(group), http);
        return SitePages.Page<GroupPage>(http, new { View = new GroupView(group, members, submitted, collections, privatePapers, isMember, viewer?.EmailVerified == true), Sections = sections });
    }

    static async Task<IResult> AdminFormAsync(HttpContext http, GroupStore groups, MemberStore members,
        [FromForm(Name = "action")] string? action, [FromForm(Name = "slug")] string? slug, [FromForm(Name = "name")] string? name,
        [FromForm(Name = "email")] string? email)
    {
        string? message = null, error = null;
        switch (action)
        {
            case "create":
                var (created, createError) = await groups.CreateAsync(slug ?? "", name ?? "", null, http.RequestAborted);
                if (created is null) error = createError; else message = $"Created {created.Name} (/groups/{created.Slug}).";
                break;
            case "add":
                (message, error) = await AddMemberAsync(groups, members, slug ?? "", email ?? "", http.RequestAborted);
                break;
            default: error = "Unknown action."; break;
        }
        return SitePages.Page<GroupAdminPage>(http, new { Groups = await groups.AllAsync(http.RequestAborted), Message = message, Error = error },
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    /// <summary>Adds the member with that email to the group: what the admin form and <c>paperboy groups add</c> share.</summary>
    public static async Task<(string? Message, string? Error)> AddMemberAsync(GroupStore groups, MemberStore members, string slug, string email, CancellationToken ct)
    {
        var group = await groups.GetAsync(slug, ct);
        if (group is null) return (null, $"No group has the slug '{slug}'.");
        var user = await members.FindByEmailAsync(email, ct);
        if (user is null) return (null, "No member has that email address; they need an account first.");
        return await groups.AddAsync(group, user, ct)
            ? ($"Added {user.Name} to {group.Name}.", null)
            : ($"{user.Name} already belongs to {group.Name}.", null);
    }
}
