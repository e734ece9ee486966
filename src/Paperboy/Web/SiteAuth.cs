using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

using Paperboy.Config;
using Paperboy.Members;

namespace Paperboy.Web;

/// <summary>
/// Who is asking: a browser session (cookie, and an antiforgery token on every write) or an API
/// client (<c>Authorization: Bearer</c>, no ambient credential, so no antiforgery needed).
/// Both are ordinary ASP.NET Core authentication schemes behind one policy scheme.
/// </summary>
public static class SiteAuth
{
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string BearerScheme = "Bearer";
    public const string MemberScheme = "Member";
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";
    internal const string StampClaim = "paperboy:stamp";

    /// <summary>Who is asking and from where: authentication schemes, authorization policies, antiforgery, proxies.</summary>
    public static IServiceCollection AddSiteAuth(this IServiceCollection services)
    {
        services.AddSettings(CommunityOptions.Read);
        services.AddHttpContextAccessor();

        services.AddAuthentication(MemberScheme)
            .AddPolicyScheme(MemberScheme, "Session or API token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? BearerScheme : CookieScheme)
            .AddCookie(CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerScheme, null);
        services.AddSingleton<SessionStore>();
        services.AddOptions<CookieAuthenticationOptions>(CookieScheme).Configure<CommunityOptions, SessionStore>((o, community, sessions) =>
        {
            // The cookie carries a session key, the session lives in the database: a logout ends it for good.
            o.SessionStore = sessions;
            o.Cookie.Name = "paperboy_session";
            o.Cookie.HttpOnly = true;
            // Lax: the session rides along when a reader follows a link to us, never on a cross-site POST.
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = SecurePolicy(community);
            o.ExpireTimeSpan = TimeSpan.FromDays(30);
            o.SlidingExpiration = true;
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.ReturnUrlParameter = "returnUrl";
            o.Events.OnValidatePrincipal = ValidateSessionAsync;
            // An API call never gets a login page: it gets 401/403 it can act on.
            o.Events.OnRedirectToLogin = context => ApiOr(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => ApiOr(context, StatusCodes.Status403Forbidden);
        });
        services.AddSitePolicies();
        services.AddOptions<AntiforgeryOptions>().Configure(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.Cookie.Name = "paperboy_csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Follows the request: antiforgery refuses to work at all over plain HTTP with Always (a proxy that
            // does not forward the scheme would break every form), and this cookie alone grants nothing.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // SecurityHeaders already sends X-Frame-Options: DENY, stricter than antiforgery's SAMEORIGIN.
            o.SuppressXFrameOptionsHeader = true;
        });
        services.AddOptions<ForwardedHeadersOptions>().Configure<CommunityOptions>((o, community) =>
        {
            // Only the proxies the operator names are believed; the framework's default (loopback) is dropped.
            // With no proxy named the headers are not read at all: empty lists would mean "believe anyone".
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            // An entry that is neither was refused at start (CommunityOptions.Read).
            foreach (var (_, address, network) in community.Proxies())
            {
                if (network is { } n) o.KnownIPNetworks.Add(n);
                else if (address is not null) o.KnownProxies.Add(address);
            }
            o.ForwardedHeaders = o.KnownProxies.Count + o.KnownIPNetworks.Count > 0
                ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
        });
        return services;
    }

    /// <summary>
    /// The middleware, in the order they depend on each other: client address, who, how often, whether a
    /// browser's write came from our page, and last whether the route lets this member in (so a forged
    /// write is refused as forged, 400, before anyone is asked to sign in).
    /// </summary>
    public static WebApplication UseSiteAuth(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.UseFormAntiforgery();
        app.UseAuthorization();
        return app;
    }

    /// <summary>The request token for this response's forms (issued once per request).</summary>
    public static string CsrfToken(HttpContext? http)
    {
        if (http is null) return "";
        if (http.Items.TryGetValue(nameof(CsrfToken), out var issued) && issued is string token) return token;
        token = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http).RequestToken ?? "";
        http.Items[nameof(CsrfToken)] = token;
        return token;
    }

    static CookieSecurePolicy SecurePolicy(CommunityOptions community) =>
        community.PublicUrl?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true
            ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

    static Task ApiOr(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api")) context.Response.StatusCode = status;
        else context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>A session dies with its member's password change, block or deletion: the cookie's stamp must match the row.</summary>
    static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.MemberId();
        var stamp = context.Principal?.FindFirstValue(StampClaim);
        var user = id is null ? null : await context.HttpContext.RequestServices.GetRequiredService<MemberStore>().GetAsync(id.Value);
        if (user is null || user.Blocked || user.SecurityStamp != stamp)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
            return;
        }
        context.HttpContext.Items[typeof(User)] = user;
    }

    public static long? MemberId(this ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    public static bool ViaCookie(this ClaimsPrincipal principal) => principal.Identity?.AuthenticationType == CookieScheme;

    public static ClaimsPrincipal Principal(User user, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.Name),
            new(StampClaim, user.SecurityStamp),
        };
        if (user.IsAdmin) claims.Add(new Claim(ClaimTypes.Role, "admin"));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    public static Task SignInAsync(HttpContext http, User user) =>
        http.SignInAsync(CookieScheme, Principal(user, CookieScheme), new AuthenticationProperties { IsPersistent = true });

    /// <summary>The signed-in member as the database has them now (not as the cookie remembers), or null.</summary>
    public static async Task<User?> CurrentMemberAsync(this HttpContext http)
    {
        if (http.Items.TryGetValue(typeof(User), out var cached) && cached is User u) return u;
        var id = http.User.MemberId();
        if (id is null) return null;
        var user = await http.RequestServices.GetRequiredService<MemberStore>().GetAsync(id.Value, http.RequestAborted);
        if (user is not null) http.Items[typeof(User)] = user;
        return user;
    }

    /// <summary>
    /// Only local paths are followed after sign-in, so a crafted link cannot bounce a member to another site.
    /// What comes back is ASCII (a <c>Location</c> header can carry nothing else): <c>/search?q=café</c>
    /// becomes <c>/search?q=caf%C3%A9</c>, which the browser shows as typed.
    /// </summary>
    public static string SafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal)
        && !url.StartsWith("/\\", StringComparison.Ordinal) && !url.Any(char.IsControl) ? AsciiUrl(url) : "/";

    static string AsciiUrl(string url)
    {
        if (url.All(ch => ch is > ' ' and < (char)0x7F)) return url;
        var ascii = new StringBuilder(url.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in url.EnumerateRunes())
        {
            if (rune.Value is > ' ' and < 0x7F) { ascii.Append((char)rune.Value); continue; }
            var n = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..n]) ascii.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return ascii.ToString();
    }
}
