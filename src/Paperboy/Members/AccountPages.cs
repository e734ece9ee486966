using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Paperboy.Votes;
using Paperboy.Web;
using static Paperboy.Web.SitePages;

namespace Paperboy.Members;

/// <summary>
/// /login, /register, /forgot and /settings: plain HTML forms (they work without JavaScript).
/// Every POST binds [FromForm], so the framework rejects it without the page's antiforgery token;
/// sign-in and registration are rate limited per client address.
/// </summary>
public static class AccountPages
{
    const string SignInFailed =
        "That email and password do not match an account, or the account is locked for a while after too many attempts. " +
        "Check them and try again, or reset your password.";

    public static IEndpointRouteBuilder MapAccountPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", async (HttpContext http, string? returnUrl, string? upvote, Papers.PaperStore papers) =>
            await http.CurrentMemberAsync() is not null
                ? Results.Redirect(returnUrl is null ? "/settings" : SiteAuth.SafeReturnUrl(returnUrl))
                : Page<LoginPage>(http, new { ReturnUrl = SiteAuth.SafeReturnUrl(returnUrl), Upvote = await PendingUpvoteAsync(papers, upvote, http.RequestAborted) }));
        app.MapPost("/login", SignInAsync).RequireRateLimiting(RateLimits.SignIn);
        app.MapGet("/logout", async (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return Page<SignOutPage>(http, new { SignedIn = await http.CurrentMemberAsync() is not null });
        });

        app.MapGet("/register", async (HttpContext http, string? returnUrl, string? upvote, Papers.PaperStore papers) =>
            Page<RegisterPage>(http, new { ReturnUrl = SiteAuth.SafeReturnUrl(returnUrl), Upvote = await PendingUpvoteAsync(papers, upvote, http.RequestAborted) }));
        app.MapPost("/register", RegisterAsync).RequireRateLimiting(RateLimits.Register);

        app.MapGet("/forgot", (HttpContext http, ResetMailer mailer) => Page<ForgotPage>(http, new { CanEmail = mailer.CanSend }));
        app.MapPost("/forgot", async (HttpContext http, MemberStore members, ResetMailer mailer, [FromForm(Name = "email")] string? email) =>
        {
            if (!mailer.CanSend) return Page<ForgotPage>(http, new { CanEmail = false });
            if (await members.CreateResetAsync(email, http.RequestAborted) is { } reset) await mailer.QueueAsync(reset.User, reset.Token, http.RequestAborted);
            // The same page either way: this form must not tell anyone whether an email has an account.
            return Page<ForgotPage>(http, new { CanEmail = true, Sent = true });
        }).RequireRateLimiting(RateLimits.SignIn);
        app.MapGet("/reset", (HttpContext http, string? token) =>
        {
            // The token sits in the URL: keep it out of caches and out of the Referer of any link on the page.
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            return Page<ResetPage>(http, new { Token = token ?? "" });
        });
        app.MapPost("/reset", async (HttpContext http, MemberStore members, [FromForm(Name = "token")] string? token, [FromForm(Name = "password")] string? password) =>
        {
            if (MemberStore.CheckPassword(password) is { } error)
                return Page<ResetPage>(http, new { Token = token ?? "", Error = error }, StatusCodes.Status400BadRequest);
            var (user, refused) = await members.ResetPasswordAsync(token, password!, http.RequestAborted);
            if (refused is not null)
                return Page<ResetPage>(http, new { Token = token ?? "", Error = refused }, StatusCodes.Status400BadRequest);
            if (user is null)
                return Page<ResetPage>(http, new { Token = "", Error = "This reset link is not valid any more (it works once, for an hour). Ask for a new one." }, StatusCodes.Status400BadRequest);
            if (user.Blocked) return Results.Redirect("/login");
            await SiteAuth.SignInAsync(http, user);
            return Results.Redirect("/settings");
        }).RequireRateLimiting(RateLimits.SignIn);

        app.MapGet("/settings", async (HttpContext http, MemberStore members) =>
            await http.CurrentMemberAsync() is { } user
                ? await SettingsAsync(http, members, user)
                : Results.Redirect("/login?returnUrl=%2Fsettings"));
        app.MapPost("/settings/tokens", CreateTokenAsync).MemberForm().SignInReturnsTo("/settings");
        app.MapPost("/settings/tokens/{tokenId:long}/revoke", RevokeTokenAsync).MemberForm().SignInReturnsTo("/settings");
        app.MapPost("/settings/password", ChangePasswordAsync).MemberForm().SignInReturnsTo("/settings").RequireRateLimiting(RateLimits.SignIn);
        app.MapPost("/settings/sessions/end", async (HttpContext http, MemberStore members) =>
        {
            await members.EndSessionsAsync(http.Member(), http.RequestAborted);
            await http.SignOutAsync(SiteAuth.CookieScheme);
            return Results.Redirect("/login?returnUrl=%2Fsettings");
        }).MemberForm().SignInReturnsTo("/settings");
        return app;
    }

    static async Task<IResult> SignInAsync(HttpContext http, MemberStore members, VoteStore votes, Papers.PaperStore papers,
        [FromForm(Name = "email")] string? email, [FromForm(Name = "password")] string? password, [FromForm(Name = "returnUrl")] string? returnUrl,
        [FromForm(Name = "upvote")] string? upvote)
    {
        var back = SiteAuth.SafeReturnUrl(returnUrl);
        var (result, user) = await members.SignInAsync(email, password, http.RequestAborted);
        switch (result)
        {
            case SignInResult.Ok:
                await SiteAuth.SignInAsync(http, user!);
                await ApplyPendingUpvoteAsync(votes, user!, upvote, http.RequestAborted);
                return Results.Redirect(back);
            case SignInResult.Blocked:
                return Page<LoginPage>(http, new { Email = email, ReturnUrl = back, Error = "This account has been blocked by a moderator." }, StatusCodes.Status403Forbidden);
            default:
                return Page<LoginPage>(http, new { Email = email, ReturnUrl = back, Error = SignInFailed, Upvote = await PendingUpvoteAsync(papers, upvote, http.RequestAborted) }, StatusCodes.Status400BadRequest);
        }
    }

    /// <summary>The paper an anonymous reader tried to upvote, carried through sign-in or registration (unknown ids are dropped).</summary>
    static async Task<Papers.Paper?> PendingUpvoteAsync(Papers.PaperStore papers, string? id, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(id) || id.Length > 200 ? null : await papers.GetAsync(id, ct);

    // The upvote the reader asked for before signing in counts once they are in; the form post that carries it
    // is the same antiforgery-checked post that signs them in, so no other site can cast it for them.
    static async Task ApplyPendingUpvoteAsync(VoteStore votes, User user, string? id, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(id) && id.Length <= 200 && !user.Blocked) await votes.SetAsync(user, id, true, ct);
    }

    static async Task<IResult> RegisterAsync(HttpContext http, MemberStore members, VoteStore votes, Papers.PaperStore papers, SignIn.EmailConfirmations confirmations,
        [FromForm(Name = "email")] string? email, [FromForm(Name = "name")] string? name, [FromForm(Name = "password")] string? password,
        [FromForm(Name = "returnUrl")] string? returnUrl, [FromForm(Name = "upvote")] string? upvote)
    {
        var back = SiteAuth.SafeReturnUrl(returnUrl);
        var error = MemberStore.CheckEmail(email) ?? MemberStore.CheckName(name) ?? MemberStore.CheckPassword(password, email, name);
        User? user = null;
        if (error is null) (user, error) = await members.CreateAsync(email!, name, password!, admin: false, http.RequestAborted);
        if (user is null)
            return Page<RegisterPage>(http, new { Email = email, Name = name, ReturnUrl = back, Error = error, Upvote = await PendingUpvoteAsync(papers, upvote, http.RequestAborted) }, StatusCodes.Status400BadRequest);
        // The account works at once; the address stays unconfirmed until the mailed link is followed.
        await confirmations.SendAsync(user, http.RequestAborted);
        await SiteAuth.SignInAsync(http, user);
        await ApplyPendingUpvoteAsync(votes, user, upvote, http.RequestAborted);
        return Results.Redirect(back);
    }

    static async Task<IResult> SettingsAsync(HttpContext http, MemberStore members, User user,
        string? newToken = null, string? message = null, string? error = null, int status = StatusCodes.Status200OK)
    {
        // Pages with a fresh token or a member's details must not sit in any cache.
        http.Response.Headers.CacheControl = "no-store";
        var tokens = await members.TokensAsync(user, http.RequestAborted);
        var passwords = http.RequestServices.GetService<SignIn.SignInSettings>()?.PasswordsEnabled ?? true;
        var sections = await PageSections.LoadAsync(new SettingsPageContext(user), http);
        return Page<SettingsPage>(http, new { Member = user, Tokens = tokens, NewToken = newToken, Message = message, Error = error, PasswordsEnabled = passwords, Sections = sections }, status);
    }

    static async Task<IResult> CreateTokenAsync(HttpContext http, MemberStore members, [FromForm(Name = "name")] string? name)
    {
        var user = http.Member();
        var token = await members.CreateTokenAsync(user, name ?? "token", http.RequestAborted);
        return await SettingsAsync(http, members, user, newToken: token);
    }

    static async Task<IResult> RevokeTokenAsync(HttpContext http, MemberStore members, long tokenId)
    {
        var user = http.Member();
        await members.RevokeTokenAsync(user, tokenId, http.RequestAborted);
        return Results.Redirect("/settings");
    }

    static async Task<IResult> ChangePasswordAsync(HttpContext http, MemberStore members,
        [FromForm(Name = "current")] string? current, [FromForm(Name = "password")] string? password)
    {
        var user = http.Member();
        if (!members.VerifyPassword(user, current))
            return await SettingsAsync(http, members, user, error: "Your current password is not right.", status: StatusCodes.Status400BadRequest);
        if (MemberStore.CheckPassword(password, user.Email, user.Name) is { } error)
            return await SettingsAsync(http, members, user, error: error, status: StatusCodes.Status400BadRequest);
        user = await members.SetPasswordAsync(user, password!, http.RequestAborted);
        // The new security stamp ends every other session; this browser gets a fresh cookie with the new stamp.
        await SiteAuth.SignInAsync(http, user);
        return Results.Redirect("/settings");
    }
}
