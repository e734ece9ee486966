using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Web;

namespace Paperboy.Library;

public sealed record CollectionRequest(string? Name, [property: JsonPropertyName("public")] bool? IsPublic);

public sealed record CollectionPaperRequest([property: JsonPropertyName("paper_id")] string? PaperId);

public sealed record CollectionDto(long Id, string Name, [property: JsonPropertyName("public")] bool IsPublic, string Owner, long Papers, string Url);

/// <summary>The library and collections: JSON API under /api, pages at /library and /collections/{id}, and their forms.</summary>
public static class LibraryApi
{
    public static IServiceCollection AddLibrary(this IServiceCollection services) =>
        services.AddSingleton<LibraryStore>().AddSingleton<IPageSection<Feed.PaperPageContext>, PaperActionsSection>()
            .AddSingleton<IExportPart, LibraryExportPart>().AddSingleton<IExportPart, CollectionsExportPart>();

    public static IEndpointRouteBuilder MapLibrary(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/library", async (HttpContext http, LibraryStore library) =>
            await http.CurrentMemberAsync() is { } user
                ? Results.Ok((await library.LibraryAsync(user, http.RequestAborted)).Select(p => p.AsHfPaper(withComments: true)))
                : Unauthorized());
        foreach (var paper in new[] { "/library/papers/{id}", "/library/papers/{archive}/{number}" })
        {
            api.MapPost(paper, (HttpContext http, LibraryStore library) => SaveAsync(http, library, true)).MemberWrite(RateLimits.Library);
            api.MapDelete(paper, (HttpContext http, LibraryStore library) => SaveAsync(http, library, false)).MemberWrite(RateLimits.Library);
        }
        api.MapGet("/collections", async (HttpContext http, LibraryStore library) =>
            await http.CurrentMemberAsync() is { } user
                ? Results.Ok((await library.CollectionsAsync(user, publicOnly: false, http.RequestAborted)).Select(AsDto))
                : Unauthorized());
        api.MapPost("/collections", async (HttpContext http, CollectionRequest? request, LibraryStore library) =>
        {
            var (collection, error) = await library.CreateAsync(http.Member(), request?.Name, request?.IsPublic ?? false, http.RequestAborted);
            return collection is null ? Bad(error!) : Results.Created($"/api/collections/{collection.Id}", AsDto(collection));
        }).MemberWrite(RateLimits.Library);
        api.MapGet("/collections/{collectionId:long}", async (HttpContext http, long collectionId, LibraryStore library) =>
        {
            var viewer = await http.CurrentMemberAsync();
            var collection = await library.GetAsync(collectionId, viewer, http.RequestAborted);
            if (collection is null) return NotFound();
            var papers = await library.PapersAsync(collection, viewer, http.RequestAborted);
            return Results.Ok(new { collection = AsDto(collection), papers = papers.Select(p => p.AsHfPaper(withComments: true)) });
        });
        api.MapPatch("/collections/{collectionId:long}", async (HttpContext http, long collectionId, CollectionRequest? request, LibraryStore library) =>
        {
            var (ok, error) = await library.UpdateAsync(http.Member(), collectionId, request?.Name, request?.IsPublic, http.RequestAborted);
            return ok ? Results.NoContent() : error == "No such collection." ? NotFound() : Bad(error!);
        }).MemberWrite(RateLimits.Library);
        api.MapDelete("/collections/{collectionId:long}", async (HttpContext http, long collectionId, LibraryStore library) =>
            await library.DeleteAsync(http.Member(), collectionId, http.RequestAborted) ? Results.NoContent() : NotFound()).MemberWrite(RateLimits.Library);
        api.MapPost("/collections/{collectionId:long}/papers", async (HttpContext http, long collectionId, CollectionPaperRequest? request, LibraryStore library) =>
            string.IsNullOrWhiteSpace(request?.PaperId) ? Bad("Send {\"paper_id\": ...}.")
            : await library.SetInCollectionAsync(http.Member(), collectionId, request.PaperId, true, http.RequestAborted) ? Results.NoContent() : NotFound()).MemberWrite(RateLimits.Library);
        foreach (var paper in new[] { "/collections/{collectionId:long}/papers/{id}", "/collections/{collectionId:long}/papers/{archive}/{number}" })
        {
            api.MapDelete(paper, async (HttpContext http, long collectionId, LibraryStore library) =>
                await library.SetInCollectionAsync(http.Member(), collectionId, Papers.PaperRoutes.Id(http), false, http.RequestAborted) ? Results.NoContent() : NotFound())
                .MemberWrite(RateLimits.Library);
        }

        // Pages and their forms.
        app.MapGet("/library", LibraryPageAsync);
        app.MapPost("/library", SaveFormAsync).MemberForm().RequireRateLimiting(RateLimits.Library);
        app.MapPost("/collections", CreateFormAsync).MemberForm().SignInReturnsTo("/library").RequireRateLimiting(RateLimits.Library);
        // From a paper page, where the collection is chosen in a select rather than in the URL.
        app.MapPost("/collections/add", (HttpContext http, LibraryStore library, [FromForm(Name = "collection")] long collection,
            [FromForm(Name = "paper_id")] string? paperId, [FromForm(Name = "returnUrl")] string? returnUrl) =>
            CollectionPaperFormAsync(http, collection, library, paperId, null, returnUrl)).MemberForm().RequireRateLimiting(RateLimits.Library);
        app.MapGet("/collections/{collectionId:long}", CollectionPageAsync);
        app.MapPost("/collections/{collectionId:long}/papers", CollectionPaperFormAsync).MemberForm().RequireRateLimiting(RateLimits.Library);
        app.MapPost("/collections/{collectionId:long}/settings", CollectionSettingsFormAsync).MemberForm().SignInReturnsTo("/library").RequireRateLimiting(RateLimits.Library);
        app.MapPost("/collections/{collectionId:long}/delete", async (HttpContext http, long collectionId, LibraryStore library) =>
            await library.DeleteAsync(http.Member(), collectionId, http.RequestAborted) ? Results.Redirect("/library") : NotFound())
            .MemberForm().SignInReturnsTo("/library").RequireRateLimiting(RateLimits.Library);
        return app;
    }

    static async Task<IResult> SaveAsync(HttpContext http, LibraryStore library, bool saved) =>
        await library.SetSavedAsync(http.Member(), Papers.PaperRoutes.Id(http), saved, http.RequestAborted)
            ? Results.Ok(new { id = Papers.ArxivId.Normalize(Papers.PaperRoutes.Id(http)), saved })
            : NotFound();

    static async Task<IResult> LibraryPageAsync(HttpContext http, LibraryStore library)
    {
        if (await http.CurrentMemberAsync() is not { } user) return Results.Redirect("/login?returnUrl=%2Flibrary");
        http.Response.Headers.CacheControl = "no-store";
        return SitePages.Page<LibraryPage>(http, new
        {
            Papers = await library.LibraryAsync(user, http.RequestAborted),
            Collections = await library.CollectionsAsync(user, publicOnly: false, http.RequestAborted),
        });
    }

    static async Task<IResult> CollectionPageAsync(HttpContext http, long collectionId, LibraryStore library)
    {
        var viewer = await http.CurrentMemberAsync();
        var collection = await library.GetAsync(collectionId, viewer, http.RequestAborted);
        // A page route: the answer is the site's page in words, as for an unknown group or paper. A private
        // collection reads as missing to everyone but its owner, so its existence is not given away.
        if (collection is null)
            return Feed.FeedPages.Message(StatusCodes.Status404NotFound, "Collection not found",
                "There is no such collection here, or it is private.", viewer is null ? null : "/library");
        if (!collection.IsPublic) http.Response.Headers.CacheControl = "no-store";
        var isOwner = viewer?.Id == collection.UserId;
        return SitePages.Page<CollectionPage>(http, new
        {
            Collection = collection,
            Papers = await library.PapersAsync(collection, viewer, http.RequestAborted),
            IsOwner = isOwner,
            Sections = await PageSections.LoadAsync(new CollectionPageContext(collection, isOwner), http),
        });
    }

    static async Task<IResult> SaveFormAsync(HttpContext http, LibraryStore library,
        [FromForm(Name = "paper_id")] string? paperId, [FromForm(Name = "saved")] string? saved, [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        var back = SiteAuth.SafeReturnUrl(returnUrl);
        var user = http.Member();
        if (string.IsNullOrWhiteSpace(paperId) || !await library.SetSavedAsync(user, paperId, saved != "false", http.RequestAborted)) return NotFound();
        return Results.Redirect(back);
    }

    static async Task<IResult> CreateFormAsync(HttpContext http, LibraryStore library,
        [FromForm(Name = "name")] string? name, [FromForm(Name = "public")] string? isPublic)
    {
        var user = http.Member();
        var (collection, error) = await library.CreateAsync(user, name, isPublic is "on" or "true", http.RequestAborted);
        return collection is null ? Bad(error!) : Results.Redirect($"/collections/{collection.Id}");
    }

    static async Task<IResult> CollectionPaperFormAsync(HttpContext http, long collectionId, LibraryStore library,
        [FromForm(Name = "paper_id")] string? paperId, [FromForm(Name = "remove")] string? remove, [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        var back = SiteAuth.SafeReturnUrl(returnUrl ?? $"/collections/{collectionId}");
        var user = http.Member();
        if (string.IsNullOrWhiteSpace(paperId) || !await library.SetInCollectionAsync(user, collectionId, paperId, remove != "true", http.RequestAborted)) return NotFound();
        return Results.Redirect(back);
    }

    static async Task<IResult> CollectionSettingsFormAsync(HttpContext http, long collectionId, LibraryStore library,
        [FromForm(Name = "name")] string? name, [FromForm(Name = "public")] string? isPublic)
    {
        var user = http.Member();
        var (ok, error) = await library.UpdateAsync(user, collectionId, string.IsNullOrWhiteSpace(name) ? null : name, isPublic is "on" or "true", http.RequestAborted);
        return ok ? Results.Redirect($"/collections/{collectionId}") : error == "No such collection." ? NotFound() : Bad(error!);
    }

    static CollectionDto AsDto(CollectionRow c) => new(c.Id, c.Name, c.IsPublic, c.OwnerName, c.Papers, $"/collections/{c.Id}");

    static IResult Unauthorized() => Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in required");
    static IResult NotFound() => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found");
    static IResult Bad(string detail) => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);
}
