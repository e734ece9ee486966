using Dapper;
using Microsoft.AspNetCore.Mvc;
using Paperboy.Members;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Groups;

/// <summary>
/// Who may see a collection: <c>public</c>, <c>private</c> (its owner), or <c>group:SLUG</c> (that group's
/// members; migration 0067). Only a member of the group shares with it. The visibility check itself is in
/// <c>LibraryStore.GetAsync</c>, which the collection's page, API and feed all go through.
/// </summary>
public sealed class GroupCollections(Database database, GroupStore groups)
{
    /// <summary>Sets the owner's collection's visibility; an error in words, or "not found" when the collection is not theirs.</summary>
    public async Task<(bool Found, string? Error)> SetVisibilityAsync(User owner, long collectionId, string? visibility, CancellationToken ct = default)
    {
        bool isPublic;
        long? groupId = null;
        switch (visibility?.Trim())
        {
            case "public": isPublic = true; break;
            case "private": isPublic = false; break;
            case { } v when v.StartsWith("group:", StringComparison.Ordinal):
                var group = await groups.GetAsync(v["group:".Length..], ct);
                if (group is null) return (true, $"No group has the slug '{v["group:".Length..]}'.");
                if (owner.Blocked || !await groups.IsMemberAsync(group, owner.Id, ct)) return (true, $"Only members of {group.Name} can share a collection with it.");
                (isPublic, groupId) = (false, group.Id);
                break;
            default: return (true, "Visibility is public, private or group:SLUG.");
        }
        await using var c = await database.OpenAsync(ct);
        var changed = await c.ExecuteAsync(new CommandDefinition(
            "UPDATE collections SET is_public = @isPublic, group_id = @groupId WHERE id = @collectionId AND user_id = @ownerId",
            new { isPublic, groupId, collectionId, ownerId = owner.Id }, cancellationToken: ct));
        return (changed > 0, null);
    }

    public sealed record VisibilityRequest(string? Visibility);
}

/// <summary><c>POST /api/collections/{id}/visibility</c> <c>{"visibility"}</c> and the owner's form on the collection page.</summary>
public static class GroupCollectionRoutes
{
    public static IServiceCollection AddGroupCollections(this IServiceCollection services) =>
        services.AddSingleton<GroupCollections>().AddSingleton<IPageSection<Library.CollectionPageContext>, CollectionVisibilitySection>();

    public static IEndpointRouteBuilder MapGroupCollections(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/collections/{collectionId:long}/visibility", async (HttpContext http, long collectionId, GroupCollections.VisibilityRequest? body, GroupCollections collections) =>
            await collections.SetVisibilityAsync(http.Member(), collectionId, body?.Visibility, http.RequestAborted) switch
            {
                (false, _) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found"),
                (_, { } error) => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: error),
                _ => Results.NoContent(),
            }).MemberWrite(RateLimits.Library);
        app.MapPost("/collections/{collectionId:long}/visibility", async (HttpContext http, long collectionId, [FromForm(Name = "visibility")] string? visibility, GroupCollections collections) =>
            await collections.SetVisibilityAsync(http.Member(), collectionId, visibility, http.RequestAborted) switch
            {
                (false, _) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found"),
                (_, { } error) => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: error),
                _ => Results.Redirect($"/collections/{collectionId}"),
            }).MemberForm().RequireRateLimiting(RateLimits.Library);
        return app;
    }
}
