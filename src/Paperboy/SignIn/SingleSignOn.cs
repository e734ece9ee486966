using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Paperboy.Config;
using Paperboy.Members;
using Paperboy.Syndication;
using Paperboy.Web;

namespace Paperboy.SignIn;

/// <summary>
/// Single sign-on through one OpenID Connect provider (the platform's handler): authorization code flow
/// with PKCE, the ID token validated against the provider's published keys, issuer, audience, lifetime
/// and nonce. A successful sign-in becomes an ordinary member session (the cookie scheme and its
/// server-side <see cref="SessionStore"/>), so "sign out everywhere", blocks and the security stamp
/// work as for a password sign-in.
/// </summary>
public static class SingleSignOn
{
    public const string Scheme = "oidc";
    /// <summary>The address to register at the provider: <c>{PAPERBOY_PUBLIC_URL}/signin-oidc</c>.</summary>
    public const string CallbackPath = "/signin-oidc";

    public static IServiceCollection AddSignIn(this IServiceCollection services)
    {
        services.AddSettings(SignInSettings.Read);
        services.AddSingleton<SsoAccounts>();
        services.AddSingleton<EmailConfirmations>();
        services.AddSingleton<IPageSection<SettingsPageContext>, EmailStatusSection>();
        // Registered always: settings are read once the configuration is complete (tests add theirs last).
        services.AddAuthentication().AddOpenIdConnect(Scheme, "Single sign-on", _ => { });
        services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<SignInSettings, CommunityOptions, SiteUrl>(Configure);
        return services;
    }

    static void Configure(OpenIdConnectOptions o, SignInSettings settings, CommunityOptions community, SiteUrl site)
    {
        o.SignInScheme = SiteAuth.CookieScheme;
        o.CallbackPath = CallbackPath;
        o.Events.OnRemoteFailure = RemoteFailureAsync;
        o.Events.OnAccessDenied = context =>
        {
            context.Response.Redirect("/login/sso/refused?reason=denied");
            context.HandleResponse();
            return Task.CompletedTask;
        };
        if (!settings.OidcEnabled)
        {
            // An empty provider satisfies the handler's checks; /login/sso answers 404 and nothing ever challenges it.
            o.ClientId = "unconfigured";
            o.Configuration = new OpenIdConnectConfiguration();
            return;
        }
        o.Authority = settings.Authority;
        o.ClientId = settings.ClientId;
        o.ClientSecret = settings.ClientSecret;
        // SignInSettings allows plain http only for a provider on this machine.
        o.RequireHttpsMetadata = settings.Authority!.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        o.ResponseType = OpenIdConnectResponseType.Code;
        // The code comes back in the query of a top-level GET: SameSite=Lax cookies ride along, no script needed.
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.UsePkce = true;
        o.Scope.Clear();
        foreach (var scope in new[] { "openid", "email", "profile" }) o.Scope.Add(scope);
        // Claim names as the provider sent them (sub, email, email_verified), not mapped to WS-* URIs.
        o.MapInboundClaims = false;
        o.GetClaimsFromUserInfoEndpoint = false;
        o.SaveTokens = false;
        // A provider that does not answer must not hold a page for the default 60 seconds (one refusing connections fails at once).
        o.BackchannelTimeout = TimeSpan.FromSeconds(30);
        // After the provider was down, its keys are fetched again within a minute of its return.
        o.RefreshInterval = TimeSpan.FromMinutes(1);
        var secure = community.PublicUrl?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true
            ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = secure;
        }
        o.Events.OnRedirectToIdentityProvider = context =>
        {
            // Behind a proxy the request's own address may not be the public one; the provider knows only the public one.
            if (site.Configured is { } publicUrl) context.ProtocolMessage.RedirectUri = new Uri(publicUrl, CallbackPath.TrimStart('/')).AbsoluteUri;
            return Task.CompletedTask;
        };
        o.Events.OnTicketReceived = TicketReceivedAsync;
    }

    /// <summary>The provider's ID token passed every check; now: which member is this, if any.</summary>
    static async Task TicketReceivedAsync(TicketReceivedContext context)
    {
        var principal = context.Principal!;
        var subject = principal.FindFirst("sub");
        var identity = new SsoIdentity(
            principal.FindFirst("iss")?.Value ?? subject?.Issuer ?? "",
            subject?.Value ?? "",
            principal.FindFirst("email")?.Value,
            string.Equals(principal.FindFirst("email_verified")?.Value, "true", StringComparison.OrdinalIgnoreCase));
        var accounts = context.HttpContext.RequestServices.GetRequiredService<SsoAccounts>();
        var (user, refusal) = string.IsNullOrEmpty(identity.Subject)
            ? (null, SsoRefusal.UnverifiedEmail)
            : await accounts.ResolveAsync(identity, context.HttpContext.RequestAborted);
        if (user is null)
        {
            context.Response.Redirect("/login/sso/refused?reason=" + refusal);
            context.HandleResponse();
            return;
        }
        // From here on it is an ordinary member session: the same claims (id, name, stamp) as a password sign-in.
        context.Principal = SiteAuth.Principal(user, SiteAuth.CookieScheme);
        context.Properties!.IsPersistent = true;
        context.ReturnUri = SiteAuth.SafeReturnUrl(context.ReturnUri);
    }

    /// <summary>Anything else that went wrong after leaving for the provider: a bad or tampered token, a lost state, the provider down mid-way.</summary>
    static Task RemoteFailureAsync(RemoteFailureContext context)
    {
        context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SingleSignOn))
            .LogWarning(context.Failure, "Single sign-on failed: {Message}", context.Failure?.Message);
        context.Response.Redirect("/login/sso/refused?reason=failed");
        context.HandleResponse();
        return Task.CompletedTask;
    }
}
