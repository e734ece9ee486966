using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Paperboy.Tests.SignIn;

/// <summary>Who signs in at the provider next (the provider's own login screen is skipped: this person is "already signed in" there).</summary>
public sealed record ProviderPerson(string Subject, string Email, bool EmailVerified = true);

/// <summary>How the provider misbehaves on purpose, in the ID token it hands back at the token endpoint.</summary>
public enum Tamper
{
    None,
    /// <summary>A claim changed after signing (the signature no longer matches).</summary>
    Signature,
    /// <summary>Properly signed with the provider's key, but naming another issuer.</summary>
    Issuer,
    /// <summary>Properly signed, but with a nonce that is not the one the site sent.</summary>
    Nonce,
}

/// <summary>
/// A real OpenID Connect provider on 127.0.0.1 (a free port): OpenIddict's server, authorization code
/// flow with PKCE required, RS256 ID tokens from a key of its own, discovery and JWKS documents. It
/// knows one confidential client (<see cref="ClientId"/>/<see cref="ClientSecret"/>) with one
/// redirect address. Degraded mode (no OpenIddict database): the client checks are the handlers below.
/// </summary>
public sealed class TestOidcProvider : IAsyncDisposable
{
    public const string ClientId = "paperboy";
    public const string ClientSecret = "test-client-secret-9f3a";

    // One signing key and one encryption key for every provider of the test run: generating a 2,048-bit RSA key
    // costs 0.1–0.5 s of CPU, and each provider made two (its own signing key, OpenIddict's ephemeral encryption
    // key), ~2 % of a pass's CPU. A provider's tokens still name its own issuer (its port), which the site checks.
    static readonly RsaSecurityKey SigningKey = new(RSA.Create(2048)) { KeyId = "test-key-1" };
    static readonly SymmetricSecurityKey EncryptionKey = new(RandomNumberGenerator.GetBytes(32));
    WebApplication? _app;

    public Uri Issuer { get; private set; } = null!;

    /// <summary>The one redirect address the client registered; set once the site's port is known.</summary>
    public string? RedirectUri { get; set; }

    public ProviderPerson? Person { get; set; }
    public Tamper Tamper { get; set; }

    /// <summary>Token requests the provider answered: proves the site redeemed a code (with its PKCE verifier).</summary>
    public int TokenRequests => _tokenRequests;
    int _tokenRequests;

    public static async Task<TestOidcProvider> StartAsync()
    {
        var provider = new TestOidcProvider();
        await provider.StartServerAsync();
        return provider;
    }

    async Task StartServerAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddOpenIddict().AddServer(o =>
        {
            o.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            o.RegisterScopes(Scopes.OpenId, Scopes.Email, Scopes.Profile);
            o.AddSigningKey(SigningKey);
            o.AddEncryptionKey(EncryptionKey);
            o.DisableAccessTokenEncryption();
            o.EnableDegradedMode();
            o.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            o.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(h => h.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId) context.Reject(Errors.InvalidClient, "unknown client");
                else if (context.RedirectUri is null || context.RedirectUri != RedirectUri) context.Reject(Errors.InvalidRequest, "redirect_uri is not the registered one");
                return default;
            }));
            o.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(h => h.UseInlineHandler(context =>
            {
                if (context.Request.ClientId != ClientId || context.Request.ClientSecret != ClientSecret)
                    context.Reject(Errors.InvalidClient, "wrong client credentials");
                return default;
            }));
        });
        _app = builder.Build();
        // OpenIddict answers its endpoints in the authentication middleware: the tampering goes in front of it.
        _app.Use(TamperAsync);
        _app.UseAuthentication();
        _app.MapGet("/connect/authorize", (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest()!;
            if (Person is not { } person) return Results.Problem("nobody is signed in at the test provider");
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.AddClaim(new Claim(Claims.Subject, person.Subject));
            identity.AddClaim(new Claim(Claims.Email, person.Email));
            identity.AddClaim(new Claim(Claims.EmailVerified, person.EmailVerified ? "true" : "false", ClaimValueTypes.Boolean));
            identity.AddClaim(new Claim(Claims.Name, person.Subject));
            identity.SetScopes(request.GetScopes());
            identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Issuer = new Uri(address.TrimEnd('/') + "/");
        // Its first answers are slow (JIT, key setup); have them before a site waits on them with its own timeout.
        using var warmUp = new HttpClient { BaseAddress = Issuer, Timeout = TimeSpan.FromMinutes(2) };
        var discovery = await warmUp.GetStringAsync(".well-known/openid-configuration");
        var jwks = JsonNode.Parse(discovery)!["jwks_uri"]!.GetValue<string>();
        await warmUp.GetStringAsync(jwks);
    }

    /// <summary>Rewrites the token endpoint's answer according to <see cref="Tamper"/>.</summary>
    async Task TamperAsync(HttpContext http, RequestDelegate next)
    {
        if (!http.Request.Path.StartsWithSegments("/connect/token"))
        {
            await next(http);
            return;
        }
        Interlocked.Increment(ref _tokenRequests);
        if (Tamper == Tamper.None)
        {
            await next(http);
            return;
        }
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        await next(http);
        http.Response.Body = original;
        var json = JsonNode.Parse(buffer.ToArray())!.AsObject();
        if (json["id_token"]?.GetValue<string>() is { } idToken) json["id_token"] = Rewrite(idToken);
        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString());
        http.Response.ContentLength = bytes.Length;
        await original.WriteAsync(bytes);
    }

    string Rewrite(string token)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        switch (Tamper)
        {
            case Tamper.Signature:
                payload["email"] = "mallory@lab.example.org";
                return parts[0] + "." + Base64UrlEncoder.Encode(payload.ToJsonString()) + "." + parts[2];
            case Tamper.Issuer:
                payload["iss"] = "http://127.0.0.1:1/";
                break;
            case Tamper.Nonce:
                payload["nonce"] = "not-the-nonce-the-site-sent";
                break;
        }
        return new JsonWebTokenHandler().CreateToken(payload.ToJsonString(), new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256));
    }

    /// <summary>The provider goes down: its port stops answering.</summary>
    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
