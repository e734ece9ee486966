using Paperboy.Config;

namespace Paperboy.SignIn;

/// <summary>
/// How members sign in (SPEC §10): with a password, through one OpenID Connect provider, or both.
/// Read from <c>PAPERBOY_OIDC_AUTHORITY</c>, <c>_CLIENT_ID</c>, <c>_CLIENT_SECRET</c>, <c>_DOMAINS</c>,
/// <c>_LABEL</c> and <c>PAPERBOY_PASSWORD_SIGNIN</c>; tests set the same through configuration
/// (<c>SignIn:...</c>), which wins over the environment.
/// </summary>
public sealed class SignInSettings
{
    /// <summary>The provider's issuer URL; its discovery document is <c>{Authority}/.well-known/openid-configuration</c>. Unset: no single sign-on.</summary>
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>Allowed email domains, comma- or space-separated (<c>lab.example.org, example.com</c>). Empty: every address the provider vouches for.</summary>
    public string? Domains { get; set; }

    /// <summary>The button's text on the sign-in page.</summary>
    public string? Label { get; set; }

    /// <summary><c>off</c> turns password sign-in, registration and reset off on the site (the admin CLI still sets passwords).</summary>
    public string? PasswordSignIn { get; set; }

    public bool OidcEnabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);

    public bool PasswordsEnabled => !string.Equals(PasswordSignIn?.Trim(), "off", StringComparison.OrdinalIgnoreCase);

    public string ButtonLabel => string.IsNullOrWhiteSpace(Label) ? "Sign in with single sign-on" : Label.Trim();

    public IReadOnlyList<string> AllowedDomains =>
        (Domains ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.TrimStart('@').ToLowerInvariant()).ToArray();

    /// <summary>Whether an address's domain is allowed: exactly one of <see cref="AllowedDomains"/> (no subdomains), or any when none is listed.</summary>
    public bool AllowsEmail(string email)
    {
        var domains = AllowedDomains;
        if (domains.Count == 0) return true;
        var at = email.LastIndexOf('@');
        return at > 0 && domains.Contains(email[(at + 1)..].ToLowerInvariant());
    }

    public static SignInSettings Read(SettingsReader config)
    {
        var settings = new SignInSettings
        {
            Authority = config.Raw("PAPERBOY_OIDC_AUTHORITY"),
            ClientId = config.Raw("PAPERBOY_OIDC_CLIENT_ID"),
            ClientSecret = config.Raw("PAPERBOY_OIDC_CLIENT_SECRET"),
            Domains = config.Raw("PAPERBOY_OIDC_DOMAINS"),
            Label = config.Raw("PAPERBOY_OIDC_LABEL"),
            // on (or unset) and off; a typo must not leave password sign-in on when the operator meant it off.
            PasswordSignIn = config.Switch("PAPERBOY_PASSWORD_SIGNIN") == false ? "off" : null,
        };
        config.Configuration.GetSection("SignIn").Bind(settings);
        if (settings.Problem() is { } problem) config.Fail(problem);
        return settings;
    }

    /// <summary>A half-configured provider fails the start with the variable to fix, not the first sign-in.</summary>
    string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Authority) && string.IsNullOrWhiteSpace(ClientId)) return null;
        if (string.IsNullOrWhiteSpace(Authority))
            return "PAPERBOY_OIDC_CLIENT_ID is set but PAPERBOY_OIDC_AUTHORITY is not: set the provider's issuer URL (e.g. https://login.example.org/realms/lab).";
        if (string.IsNullOrWhiteSpace(ClientId))
            return "PAPERBOY_OIDC_AUTHORITY is set but PAPERBOY_OIDC_CLIENT_ID is not: set the client id registered for Paperboy at the provider.";
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
            return $"PAPERBOY_OIDC_AUTHORITY: \"{Authority}\" is not an https:// URL (plain http only on this machine, for testing).";
        if (string.IsNullOrWhiteSpace(ClientSecret))
            return "PAPERBOY_OIDC_CLIENT_SECRET is not set: Paperboy is a confidential client and redeems codes with its secret.";
        return null;
    }
}
