using Microsoft.AspNetCore.Mvc;
using Paperboy.Feed;
using Paperboy.Members;
using Paperboy.Web;

namespace Paperboy.Groups;

/// <summary>
/// Group invitations by email: admins invite on the group page (<c>POST /groups/{slug}/invitations</c>, or
/// <c>POST /api/groups/{slug}/invitations</c> <c>{"email"}</c>) and revoke open ones there; the mailed link
/// <c>/invitation?token=…</c> shows a button (a GET never joins, so mail scanners change nothing)
/// that joins the group for the account with the invited address.
/// </summary>
public static class InvitationPages
{
    public static IServiceCollection AddGroupInvitations(this IServiceCollection services) =>
        services.AddSingleton<GroupInvitations>().AddSingleton<IPageSection<GroupPageContext>, GroupInvitationsLoader>();

    public static IEndpointRouteBuilder MapGroupInvitations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/invitation", ShowAsync);
        app.MapPost("/invitation", AcceptAsync).MemberForm();
        app.MapPost("/groups/{slug}/invitations", InviteFormAsync).RequireAuthorization(Policies.Admin);
        app.MapPost("/groups/{slug}/invitations/{id:long}/revoke", RevokeAsync).RequireAuthorization(Policies.Admin);
        app.MapPost("/api/groups/{slug}/invitations", InviteJsonAsync).RequireAuthorization(Policies.Admin);
        return app;
    }

    static async Task<IResult> ShowAsync(HttpContext http, string? token, GroupInvitations invitations)
    {
        // The token sits in the URL: keep it out of caches and out of the Referer of any link on the page.
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        var lookup = await invitations.CheckAsync(token, http.RequestAborted);
        if (Refusal(lookup) is { } refused) return refused(http);
        var (invitation, group) = (lookup.Invitation!, lookup.Group!);
        var viewer = await http.CurrentMemberAsync();
        if (viewer is null)
        {
            return Page(http, $"Join {group.Name}", $"This invitation is for {invitation.Email}. Sign in with that address, or register with it, and come back to this link to join.",
                returnUrl: "/invitation?token=" + Uri.EscapeDataString(token!));
        }
        if (WrongAccount(viewer, invitation) is { } wrong) return wrong(http);
        return Page(http, $"Join {group.Name}", $"{invitation.InvitedByName} invites you to the group {group.Name}.", token: token, button: $"Join {group.Name}");
    }

    static async Task<IResult> AcceptAsync(HttpContext http, GroupInvitations invitations, [FromForm(Name = "token")] string? token)
    {
        var member = http.Member();
        var lookup = await invitations.CheckAsync(token, http.RequestAborted);
        if (Refusal(lookup) is { } refused) return refused(http);
        if (WrongAccount(member, lookup.Invitation!) is { } wrong) return wrong(http);
        if (await invitations.AcceptAsync(token, member, http.RequestAborted))
            return Results.Redirect("/groups/" + Uri.EscapeDataString(lookup.Group!.Slug));
        // A second click that lost the race to the first, or a revocation meanwhile: say what the link is now.
        return Refusal(await invitations.CheckAsync(token, http.RequestAborted))?.Invoke(http)
            ?? Page(http, "Not joined", "The invitation could not be used just now; open the link again.", failed: true, status: StatusCodes.Status409Conflict);
    }

    static async Task<IResult> InviteFormAsync(string slug, HttpContext http, GroupStore groups, GroupInvitations invitations, [FromForm(Name = "email")] string? email)
    {
        if (await groups.GetAsync(slug, http.RequestAborted) is not { } group) return Results.NotFound();
        if (await invitations.InviteAsync(group, http.Member(), email ?? "", http.RequestAborted) is { } error)
        {
            return new PageResult<MessagePage>(new Dictionary<string, object?>
            {
                [nameof(MessagePage.Heading)] = "Invitation not sent",
                [nameof(MessagePage.Message)] = error,
                [nameof(MessagePage.Back)] = "/groups/" + Uri.EscapeDataString(group.Slug),
            }, StatusCodes.Status400BadRequest);
        }
        return Results.Redirect("/groups/" + Uri.EscapeDataString(group.Slug) + "#invitations");
    }

    public sealed record InviteRequest(string? Email);

    static async Task<IResult> InviteJsonAsync(string slug, HttpContext http, GroupStore groups, GroupInvitations invitations, InviteRequest? body)
    {
        if (await groups.GetAsync(slug, http.RequestAborted) is not { } group)
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such group");
        return await invitations.InviteAsync(group, http.Member(), body?.Email ?? "", http.RequestAborted) is { } error
            ? Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invitation not sent", detail: error)
            : Results.Json(new { email = MemberStore.NormalizeEmail(body!.Email!), group = group.Slug }, statusCode: StatusCodes.Status201Created);
    }

    static async Task<IResult> RevokeAsync(string slug, long id, HttpContext http, GroupStore groups, GroupInvitations invitations)
    {
        if (await groups.GetAsync(slug, http.RequestAborted) is not { } group) return Results.NotFound();
        await invitations.RevokeAsync(group, id, http.RequestAborted);
        return Results.Redirect("/groups/" + Uri.EscapeDataString(group.Slug) + "#invitations");
    }

    /// <summary>Why a link cannot be used, in words; null when it can.</summary>
    static Func<HttpContext, IResult>? Refusal(InvitationLookup lookup) => lookup.State switch
    {
        InvitationState.Valid => null,
        InvitationState.Used => http => Page(http, "Invitation already used", "This invitation link has been used already; it works once. If you joined with it, the group is on your profile.", failed: true, status: StatusCodes.Status410Gone),
        InvitationState.Revoked => http => Page(http, "Invitation withdrawn", "The group's admin withdrew this invitation. Ask them for a new one if you should join.", failed: true, status: StatusCodes.Status410Gone),
        InvitationState.Expired => http => Page(http, "Invitation expired", $"This invitation was valid for {GroupInvitations.Lifetime.TotalDays:0} days and has expired. Ask the group's admin for a new one.", failed: true, status: StatusCodes.Status410Gone),
        _ => http => Page(http, "Invitation not valid", "This link is not a valid invitation. Check that it was copied whole from the email.", failed: true, status: StatusCodes.Status404NotFound),
    };

    static Func<HttpContext, IResult>? WrongAccount(User member, GroupInvitation invitation) =>
        string.Equals(MemberStore.NormalizeEmail(member.Email), invitation.Email, StringComparison.Ordinal) ? null
        : http => Page(http, "Invitation for another address",
            $"This invitation was sent to {invitation.Email}, but you are signed in as {member.Name} with another address. Sign out, then sign in or register with {invitation.Email} to join.",
            failed: true, status: StatusCodes.Status403Forbidden);

    static IResult Page(HttpContext http, string heading, string message, bool failed = false, string? token = null, string? button = null,
        string? returnUrl = null, int status = StatusCodes.Status200OK) =>
        SitePages.Page<InvitationPage>(http, new { Heading = heading, Message = message, Failed = failed, Token = token, Button = button, ReturnUrl = returnUrl }, status);
}
