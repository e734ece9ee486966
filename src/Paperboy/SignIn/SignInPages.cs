using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Paperboy.Digests;
using Paperboy.Feed;
using Paperboy.Members;
using Paperboy.Web;

namespace Paperboy.SignIn;

/// <summary>
/// /login/sso (leave for the provider), /login/sso/refused (why a provider's sign-in made no session),
/// /confirm-email (the link mailed at registration), /settings/email/confirm (mail it again), and the
/// rule that <c>PAPERBOY_PASSWORD_SIGNIN=off</c> turns the password forms off.
/// </summary>
public static class SignInPages
{
    // Every form and action that takes or sets a password on the site (the admin CLI is not a web route).
    static readonly string[] PasswordPaths = ["/login", "/register", "/forgot", "/reset", "/settings/password"];

    public static WebApplication MapSignIn(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<SignInSettings>();
        if (!settings.PasswordsEnabled) app.Use(PasswordsOffAsync);
        if (!settings.PasswordsEnabled && !settings.OidcEnabled)
            app.Logger.LogWarning("PAPERBOY_PASSWORD_SIGNIN=off and no PAPERBOY_OIDC_AUTHORITY: nobody can sign in on the site (API tokens and the CLI still work).");

        app.MapGet("/login/sso", async (HttpContext http, string? returnUrl) =>
        {
            if (!settings.OidcEnabled) return NotConfigured();
            try
            {
                // The handler fetches the provider's discovery document here (cached), then redirects with state, nonce and PKCE.
                await http.ChallengeAsync(SingleSignOn.Scheme, new AuthenticationProperties { RedirectUri = SiteAuth.SafeReturnUrl(returnUrl) });
                return Results.Empty;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
            {
                app.Logger.LogWarning(ex, "Single sign-on: the provider at {Authority} cannot be reached", settings.Authority);
                return Message("Sign-in service unavailable",
                    $"{settings.ButtonLabel} cannot be reached right now. Try again in a few minutes" +
                    (settings.PasswordsEnabled ? ", or sign in with your password." : "; if it stays down, tell the site's administrator."),
                    StatusCodes.Status503ServiceUnavailable);
            }
        });
        app.MapGet("/login/sso/refused", (string? reason) => Refused(settings, reason));

        app.MapGet("/confirm-email", async (HttpContext http, string? token, EmailConfirmations confirmations) =>
        {
            // The token sits in the URL: keep it out of caches and out of the Referer of any link on the page.
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            return await confirmations.CheckAsync(token, http.RequestAborted) switch
            {
                ConfirmationState.Valid => TokenPage("Confirm your email address", "One more click confirms that this address is yours.", false,
                    "Confirm my address", "/confirm-email?token=" + Uri.EscapeDataString(token!)),
                ConfirmationState.Used => TokenPage("Already confirmed", "This link was already used: your address is confirmed.", false),
                _ => BadLink(),
            };
        });
        // The token in the address is the proof: it was mailed to the address being confirmed. No cookie is needed.
        app.MapPost("/confirm-email", async (HttpContext http, string? token, EmailConfirmations confirmations) =>
            await confirmations.ConfirmAsync(token, http.RequestAborted) switch
            {
                ConfirmationState.Valid => TokenPage("Address confirmed", "Thank you: your email address is confirmed.", false),
                ConfirmationState.Used => TokenPage("Already confirmed", "This link was already used: your address is confirmed.", false),
                _ => BadLink(),
            }).DisableAntiforgery();

        app.MapPost("/settings/email/confirm", async (HttpContext http, EmailConfirmations confirmations) =>
        {
            if (await http.CurrentMemberAsync() is not { Blocked: false } user || !http.User.ViaCookie())
                return Results.Redirect("/login?returnUrl=%2Fsettings");
            var sent = await confirmations.SendAsync(user, http.RequestAborted);
            return Results.Redirect($"/settings?email={(sent ? "sent" : "wait")}#email");
        }).RequireRateLimiting(RateLimits.SignIn);
        return app;
    }

    /// <summary>With password sign-in off, the password pages say so (and offer the provider) and their posts are refused.</summary>
    static async Task PasswordsOffAsync(HttpContext http, RequestDelegate next)
    {
        var path = (http.Request.Path.Value ?? "").TrimEnd('/').ToLowerInvariant();
        if (!PasswordPaths.Contains(path))
        {
            await next(http);
            return;
        }
        var settings = http.RequestServices.GetRequiredService<SignInSettings>();
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            await Message("Password sign-in is off", OffText(settings), StatusCodes.Status403Forbidden).ExecuteAsync(http);
            return;
        }
        IResult? page = path switch
        {
            // A signed-in member still gets /login's redirect to where they were going.
            "/login" when http.User.MemberId() is not null => null,
            "/login" or "/register" => SitePages.Page<SsoLoginPage>(http, new
            {
                ReturnUrl = SiteAuth.SafeReturnUrl(http.Request.Query["returnUrl"]),
                Registering = path == "/register",
            }),
            "/forgot" or "/reset" => Message("Passwords are off on this site", OffText(settings), StatusCodes.Status200OK),
            _ => null,
        };
        if (page is null) await next(http);
        else await page.ExecuteAsync(http);
    }

    static string OffText(SignInSettings settings) => settings.OidcEnabled
        ? $"This site does not use passwords: members sign in with \"{settings.ButtonLabel}\" on the sign-in page, and a first sign-in creates the account."
        : "This site does not use passwords, and no other way of signing in is set up. Ask the site's administrator.";

    static IResult Refused(SignInSettings settings, string? reason) => reason switch
    {
        SsoRefusal.Domain => Message("This address may not sign in here",
            "Your sign-in worked, but this site admits only email addresses of " + string.Join(", ", settings.AllowedDomains.Select(d => "@" + d)) +
            ". Sign in with an account of one of these domains, or ask the site's administrator.", StatusCodes.Status403Forbidden),
        SsoRefusal.UnverifiedEmail => Message("Your email address is not verified",
            "The sign-in service did not confirm that the email address of your account is verified, and this site needs a verified address " +
            "to find or create your membership. Verify the address with the sign-in service, then try again.", StatusCodes.Status403Forbidden),
        SsoRefusal.UnconfirmedAccount => Message("Confirm your address first",
            "A member with this email address exists here, but the address was never confirmed, so it cannot be joined to your sign-in. " +
            (settings.PasswordsEnabled
                ? "Sign in with that account's password and confirm the address from your settings (or use \"Forgot your password?\"), then sign in here again."
                : "Ask the site's administrator to confirm it for you."), StatusCodes.Status403Forbidden),
        SsoRefusal.Blocked => Message("Account blocked", "This account has been blocked by a moderator.", StatusCodes.Status403Forbidden),
        "denied" => Message("Sign-in cancelled", "The sign-in service did not let you in, or you cancelled. You can try again.", StatusCodes.Status403Forbidden),
        _ => Message("Sign-in failed",
            $"The answer from \"{settings.ButtonLabel}\" could not be trusted or did not arrive (it was expired, tampered with, or the service stopped " +
            "answering), so you are not signed in. Try again; if it keeps failing, tell the site's administrator.", StatusCodes.Status502BadGateway),
    };

    static IResult NotConfigured() =>
        Message("Single sign-on is not set up", "This site has no single sign-on provider. Sign in with your email and password.", StatusCodes.Status404NotFound);

    static IResult Message(string heading, string message, int status) => new PageResult<MessagePage>(new Dictionary<string, object?>
    {
        [nameof(MessagePage.Heading)] = heading,
        [nameof(MessagePage.Message)] = message,
        [nameof(MessagePage.Back)] = "/login",
    }, status);

    static IResult TokenPage(string title, string message, bool failed, string? button = null, string? action = null) =>
        new RazorComponentResult<TokenPage>(new { Title = title, Message = message, Failed = failed, ButtonLabel = button, Action = action });

    static IResult BadLink() =>
        new RazorComponentResult<TokenPage>(new { Title = "Link not valid", Message = "This link is not valid or has expired. Ask for a new one from your settings.", Failed = true })
        { StatusCode = StatusCodes.Status404NotFound };
}
