using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Paperboy.Digests;

/// <summary>Subscribe, confirm and unsubscribe: the pages, the JSON API (SPEC §7) and the RFC 8058 one-click endpoint.</summary>
public static class SubscriptionApi
{
    public const string RateLimitPolicy = "subscribe";

    /// <summary>Said for every well-formed request, whatever the address's state, so the answer reveals nothing.</summary>
    public const string NeutralMessage =
        "Thanks. If this address can receive mail, a confirmation link is on its way; nothing else is sent until it is opened.";

    public sealed record SubscribeRequest(string? Email, string? Frequency);

    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder app)
    {
        app.MapGet("/subscribe", async Task<IResult> (HttpContext http, DigestSettings settings) =>
            new RazorComponentResult<SubscribePage>(new { MailConfigured = settings.SmtpConfigured, Email = (await Member(http))?.Email, SignedIn = await Member(http) is not null }));

        // A form post: the antiforgery middleware checks the token <AntiforgeryToken /> put in the form.
        // A signed-in member's confirmation also ties the subscription to their account.
        app.MapPost("/subscribe", async Task<IResult> (HttpContext http, [Microsoft.AspNetCore.Mvc.FromForm] string? email, [Microsoft.AspNetCore.Mvc.FromForm] string? frequency,
            Subscriptions subscriptions, DigestSettings settings, TimeProvider time, CancellationToken ct) =>
        {
            var member = await Member(http);
            var error = Validate(email, frequency, out var normalized, out var often);
            if (error is not null)
                return new RazorComponentResult<SubscribePage>(new { Error = error, Email = email, Frequency = frequency, MailConfigured = settings.SmtpConfigured, SignedIn = member is not null })
                { StatusCode = StatusCodes.Status400BadRequest };
            var done = await subscriptions.SubscribeAsync(normalized, often, time.GetUtcNow(), member, ct);
            return new RazorComponentResult<SubscribePage>(new
            {
                Message = done ? $"You are subscribed to the {often} digest. Manage it from your settings." : NeutralMessage,
                Frequency = often,
                MailConfigured = settings.SmtpConfigured,
                SignedIn = member is not null,
            });
        }).RequireRateLimiting(RateLimitPolicy);

        // The digest section of /settings: a member's own subscription, managed without a mail round trip once tied.
        app.MapPost("/settings/digest", async (HttpContext http, [Microsoft.AspNetCore.Mvc.FromForm] string? action,
            [Microsoft.AspNetCore.Mvc.FromForm] string? frequency, Subscriptions subscriptions, TimeProvider time, CancellationToken ct) =>
        {
            if (await Member(http) is not { } member || !Web.SiteAuth.ViaCookie(http.User)) return Results.Redirect("/login?returnUrl=%2Fsettings");
            var often = string.IsNullOrWhiteSpace(frequency) ? "daily" : frequency.Trim().ToLowerInvariant();
            if (!Subscriptions.Frequencies.Contains(often)) return Results.Redirect("/settings?digest=bad-frequency#digest");
            var now = time.GetUtcNow();
            var outcome = action switch
            {
                "frequency" => await subscriptions.SetMemberFrequencyAsync(member.Id, often, ct) ? "frequency" : "none",
                "unsubscribe" => await subscriptions.UnsubscribeMemberAsync(member.Id, now, ct) ? "unsubscribed" : "none",
                _ => await subscriptions.SubscribeAsync(member.Email, often, now, member, ct) ? "subscribed" : "sent",
            };
            return Results.Redirect($"/settings?digest={outcome}#digest");
        }).RequireRateLimiting(RateLimitPolicy);

        // JSON clients carry no antiforgery cookie; the rate limit and the double opt-in are what guard this endpoint.
        app.MapPost("/api/subscriptions", SubscribeJsonAsync).RequireRateLimiting(RateLimitPolicy).DisableAntiforgery();

        app.MapGet("/subscribe/confirm", async (string? token, Subscriptions subscriptions, TimeProvider time, CancellationToken ct) =>
            await subscriptions.CheckAsync(token, "confirm", time.GetUtcNow(), ct) switch
            {
                TokenState.Valid => Page("Confirm your subscription", "One more click and the digest is on its way.", false,
                    "Confirm subscription", "/subscribe/confirm?token=" + token),
                TokenState.Used => Page("Already confirmed", "This link was already used: your subscription is confirmed.", false),
                _ => BadLink(),
            });
        // The token in the address is the proof: it was mailed to the address being confirmed. No cookie is needed.
        app.MapPost("/subscribe/confirm", async (string? token, Subscriptions subscriptions, TimeProvider time, CancellationToken ct) =>
            await subscriptions.ConfirmAsync(token, time.GetUtcNow(), ct) switch
            {
                TokenState.Valid => Page("Subscription confirmed", "You are subscribed. The next digest will arrive in the morning.", false),
                TokenState.Used => Page("Already confirmed", "This link was already used: your subscription is confirmed.", false),
                _ => BadLink(),
            }).DisableAntiforgery();

        app.MapGet("/unsubscribe", async (string? token, Subscriptions subscriptions, TimeProvider time, CancellationToken ct) =>
            await subscriptions.CheckAsync(token, "unsubscribe", time.GetUtcNow(), ct) == TokenState.Valid
                ? Page("Unsubscribe", "Stop the Paperboy digest for this address?", false, "Unsubscribe", "/unsubscribe?token=" + token)
                : BadLink());
        // RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" here with no cookie and no page in between.
        app.MapPost("/unsubscribe", async (string? token, Subscriptions subscriptions, TimeProvider time, CancellationToken ct) =>
            await subscriptions.UnsubscribeAsync(token, time.GetUtcNow(), ct)
                ? Page("Unsubscribed", "You will get no more digests. You can subscribe again at any time.", false)
                : BadLink()).DisableAntiforgery();
        return app;
    }

    static async Task<Results<Accepted<object>, ProblemHttpResult>> SubscribeJsonAsync(HttpRequest request, Subscriptions subscriptions, TimeProvider time, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
            return Problem("Send a JSON body: {\"email\": \"you@example.org\", \"frequency\": \"daily\"}.", StatusCodes.Status415UnsupportedMediaType);
        SubscribeRequest? body;
        try { body = await request.ReadFromJsonAsync<SubscribeRequest>(new JsonSerializerOptions(JsonSerializerDefaults.Web), ct); }
        catch (JsonException) { return Problem("The body is not valid JSON."); }
        var error = Validate(body?.Email, body?.Frequency, out var email, out var frequency);
        if (error is not null) return Problem(error);
        await subscriptions.SubscribeAsync(email, frequency, time.GetUtcNow(), ct: ct);
        return TypedResults.Accepted((string?)null, (object)new { message = NeutralMessage });
    }

    static string? Validate(string? email, string? frequency, out string normalized, out string often)
    {
        often = string.IsNullOrWhiteSpace(frequency) ? "daily" : frequency.Trim().ToLowerInvariant();
        if (!Subscriptions.TryNormalizeEmail(email, out normalized)) return "email must be an address such as you@example.org.";
        if (!Subscriptions.Frequencies.Contains(often)) return "frequency must be daily or weekly.";
        return null;
    }

    static async Task<Members.User?> Member(HttpContext http) =>
        await Web.SiteAuth.CurrentMemberAsync(http) is { Blocked: false } user ? user : null;

    public static IResult Page(string title, string message, bool failed, string? button = null, string? action = null) =>
        new RazorComponentResult<TokenPage>(new { Title = title, Message = message, Failed = failed, ButtonLabel = button, Action = action });

    public static IResult BadLink() =>
        new RazorComponentResult<TokenPage>(new { Title = "Link not valid", Message = "This link is not valid or has expired. You can subscribe again from the subscribe page.", Failed = true })
        { StatusCode = StatusCodes.Status404NotFound };

    static ProblemHttpResult Problem(string detail, int status = StatusCodes.Status400BadRequest) =>
        TypedResults.Problem(statusCode: status, title: "Bad request", detail: detail);
}
