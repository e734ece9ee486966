using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Paperboy.Digests;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Search;
using Paperboy.Syndication;
using Paperboy.Web;

namespace Paperboy.Recommendations;

/// <summary>A pick in the JSON API: the item shape of <c>/api/papers/search</c> plus why it was picked.</summary>
public sealed record RecommendationItem : HfDailyItem
{
    [JsonPropertyName("reason")] public required string Reason { get; init; }
    /// <summary>The member's own papers the pick is closest to (ids), and the shared terms, as in the reason.</summary>
    [JsonPropertyName("closeTo")] public IReadOnlyList<string> CloseTo { get; init; } = [];
    [JsonPropertyName("terms")] public IReadOnlyList<string> Terms { get; init; } = [];

    public static RecommendationItem From(Recommendation r)
    {
        var item = r.Paper.AsHfSearchItem();
        return new RecommendationItem
        {
            Paper = item.Paper,
            PublishedAt = item.PublishedAt,
            Title = item.Title,
            Summary = item.Summary,
            NumComments = item.NumComments,
            SubmittedBy = item.SubmittedBy,
            Reason = r.Why,
            CloseTo = r.Near.Select(p => p.Id).ToList(),
            Terms = r.Terms,
        };
    }
}

/// <summary>
/// /for-you and its forms, "not interested" marks, <c>GET /api/recommendations</c>, the recommendation
/// part of /settings and the private feed <c>/feeds/for-you/{token}.{rss|atom|json}</c>.
/// </summary>
public static class RecommendationApi
{
    public const int DefaultLimit = 30;
    const int FeedLimit = 30;

    public static IServiceCollection AddRecommendations(this IServiceCollection services)
    {
        services.AddSingleton<RecommendationStore>();
        services.AddSingleton<IPageSection<Feed.PaperPageContext>, PaperNotInterestedSection>();
        services.AddSingleton<IPageSection<Members.SettingsPageContext>, ForYouSettingsSection>();
        services.AddSingleton<Recommender>();
        services.AddSingleton<IPersonalDigestSection, RecommendationDigestSection>();
        return services;
    }

    public static IEndpointRouteBuilder MapRecommendations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/for-you", ForYouPageAsync);
        app.MapPost("/for-you/not-interested", NotInterestedFormAsync).MemberForm().SignInReturnsTo("/for-you").RequireRateLimiting(RateLimits.Library);

        var api = app.MapGroup("/api");
        api.MapGet("/recommendations", ListAsync);
        foreach (var paper in new[] { "/papers/{id}/not-interested", "/papers/{archive}/{number}/not-interested" })
        {
            api.MapPost(paper, (HttpContext http, RecommendationStore store) => MarkAsync(http, store, true)).MemberWrite(RateLimits.Library);
            api.MapDelete(paper, (HttpContext http, RecommendationStore store) => MarkAsync(http, store, false)).MemberWrite(RateLimits.Library);
        }

        app.MapPost("/settings/recommendations", BlendFormAsync).MemberForm().SignInReturnsTo("/settings").RequireRateLimiting(RateLimits.Library);
        app.MapPost("/settings/recommendations/reset", ResetFormAsync).MemberForm().SignInReturnsTo("/settings").RequireRateLimiting(RateLimits.Library);
        app.MapPost("/settings/recommendations/feed", CreateFeedFormAsync).MemberForm().SignInReturnsTo("/settings").RequireRateLimiting(RateLimits.Library);
        app.MapPost("/settings/recommendations/feed/revoke", RevokeFeedFormAsync).MemberForm().SignInReturnsTo("/settings").RequireRateLimiting(RateLimits.Library);
        app.MapGet("/feeds/for-you/{token}.{ext}", FeedAsync);
        return app;
    }

    static async Task<IResult> ForYouPageAsync(HttpContext http, Recommender recommender, string? hidden)
    {
        // Per member: never through the shared page cache, never in any other cache.
        http.Response.Headers.CacheControl = "no-store";
        if (await http.CurrentMemberAsync() is not { } user) return SitePages.Page<ForYouPage>(http, new { SignedIn = false });
        var recommendations = await recommender.ForMemberAsync(user.Id, DefaultLimit, http.RequestAborted);
        return SitePages.Page<ForYouPage>(http, new { SignedIn = true, Recommendations = recommendations, Hidden = hidden is { Length: > 0 and <= 200 } ? hidden : null });
    }

    static async Task<IResult> ListAsync(HttpContext http, Recommender recommender, string? limit)
    {
        if (await http.CurrentMemberAsync() is not { } user)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in required",
                detail: "Recommendations are personal: sign in, or send Authorization: Bearer with a token from /settings.");
        }
        var n = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n is < 1 or > Recommender.MaxLimit))
            return Bad($"limit must be a whole number from 1 to {Recommender.MaxLimit}.");
        http.Response.Headers.CacheControl = "private, no-store";
        var recommendations = await recommender.ForMemberAsync(user.Id, n, http.RequestAborted);
        return TypedResults.Ok(recommendations.Picks.Select(RecommendationItem.From).ToList());
    }

    static async Task<IResult> MarkAsync(HttpContext http, RecommendationStore store, bool dismissed)
    {
        var id = Papers.PaperRoutes.Id(http);
        return await store.SetNotInterestedAsync(http.Member().Id, id, dismissed, http.RequestAborted)
            ? TypedResults.Ok(new { id = ArxivId.Normalize(id), notInterested = dismissed })
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such paper.");
    }

    static async Task<IResult> NotInterestedFormAsync(HttpContext http, RecommendationStore store,
        [FromForm(Name = "paper_id")] string? paperId, [FromForm(Name = "undo")] string? undo, [FromForm(Name = "returnUrl")] string? returnUrl)
    {
        var back = SiteAuth.SafeReturnUrl(returnUrl ?? "/for-you");
        var user = http.Member();
        if (string.IsNullOrWhiteSpace(paperId) || !await store.SetNotInterestedAsync(user.Id, paperId, undo != "true", http.RequestAborted))
            return Bad("No such paper.");
        // Back on /for-you the page offers to take the mark back ("Undo").
        return Results.Redirect(undo != "true" && back == "/for-you" ? "/for-you?hidden=" + Uri.EscapeDataString(paperId) : back);
    }

    static async Task<IResult> BlendFormAsync(HttpContext http, RecommendationStore store, [FromForm(Name = "personal")] string? personal)
    {
        var user = http.Member();
        if (!int.TryParse(personal, NumberStyles.None, CultureInfo.InvariantCulture, out var percent) || percent is < 0 or > 100)
            return Bad("The blend must be a whole number from 0 (community only) to 100 (personal only).");
        await store.SetPersonalPercentAsync(user.Id, percent, http.RequestAborted);
        return Results.Redirect("/settings#recommendations");
    }

    static async Task<IResult> ResetFormAsync(HttpContext http, RecommendationStore store)
    {
        var user = http.Member();
        await store.ResetAsync(user.Id, http.RequestAborted);
        return Results.Redirect("/settings#recommendations");
    }

    static async Task<IResult> CreateFeedFormAsync(HttpContext http, RecommendationStore store, SiteUrl site)
    {
        var user = http.Member();
        var token = await store.CreateFeedTokenAsync(user.Id, http.RequestAborted);
        http.Response.Headers.CacheControl = "no-store";
        var baseUri = site.For(http.Request);
        var urls = new[] { FeedFormat.Rss, FeedFormat.Atom, FeedFormat.Json }
            .Select(f => new Uri(baseUri, $"feeds/for-you/{token}.{FeedWriter.Extension(f)}").AbsoluteUri).ToList();
        return SitePages.Page<FeedTokenPage>(http, new { Urls = urls });
    }

    static async Task<IResult> RevokeFeedFormAsync(HttpContext http, RecommendationStore store)
    {
        var user = http.Member();
        await store.RevokeFeedTokenAsync(user.Id, http.RequestAborted);
        return Results.Redirect("/settings#recommendations");
    }

    static async Task<IResult> FeedAsync(string token, string ext, HttpContext http, RecommendationStore store, Recommender recommender, SiteUrl site)
    {
        if (!FeedWriter.TryParseFormat(ext, out var format) || await store.FeedOwnerAsync(token, http.RequestAborted) is not { } userId)
            return TypedResults.NotFound();
        var baseUri = site.For(http.Request);
        var recommendations = await recommender.ForMemberAsync(userId, FeedLimit, http.RequestAborted);
        var entries = recommendations.Picks.Select(p =>
        {
            var entry = ChannelItem.From(p.Paper, null, null, baseUri);
            return entry with { Lead = "Why: " + SafeText.Clean(p.Why) };
        }).ToList();
        var feed = new Syndication.Channel("Paperboy: picked for you", "Recent papers picked for one member from their upvotes and library, each with why.",
            new Uri(baseUri, $"feeds/for-you/{token}.{ext}"), new Uri(baseUri, "for-you"), FeedApi.Newest(entries, DateTimeOffset.UnixEpoch), entries);
        return FeedApi.Respond(http, feed, format, isPrivate: true);
    }

    static IResult Bad(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);
}
