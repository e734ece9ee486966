using System.Threading.RateLimiting;
using Paperboy.Config;

namespace Paperboy.Digests;

/// <summary>Subscriptions (double opt-in), the outbox every mail leaves through, and the digest job.</summary>
public static class DigestSetup
{
    public static IServiceCollection AddDigests(this IServiceCollection services)
    {
        services.AddSettings(DigestSettings.Read);
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<Subscriptions>();
        services.AddSingleton<Web.IPageSection<Members.SettingsPageContext>, MemberDigestSection>();
        services.AddSingleton<Members.IExportPart, SubscriptionExportPart>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<DigestComposer>();
        services.AddSingleton<OutboxSender>();
        services.AddSingleton<DigestRun>();
        services.AddHostedService<DigestScheduler>();
        services.AddRateLimiter(options =>
        {
            // Per client IP: each subscribe request may mail a confirmation to a stranger.
            options.AddPolicy(SubscriptionApi.RateLimitPolicy, http =>
            {
                var settings = http.RequestServices.GetRequiredService<DigestSettings>();
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.SubscribePermitLimit, Window = settings.SubscribeWindow, QueueLimit = 0 });
            });
        });
        return services;
    }

    // The rate limiter middleware runs once for the whole site (Web.SiteAuth.UseSiteAuth), with one
    // 429 answer; AddDigests only adds the subscribe policy.
    public static IEndpointRouteBuilder MapDigests(this IEndpointRouteBuilder app) => app.MapSubscriptions();
}
