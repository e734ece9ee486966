using System.Threading.RateLimiting;
using Paperboy.Syndication;

namespace Paperboy.Digests;

/// <summary>Feeds, subscriptions, saved-search alerts, data export and the digest job, registered in WebApp with two calls.</summary>
public static class DigestSetup
{
    public static IServiceCollection AddDigests(this IServiceCollection services)
    {
        services.AddSingleton(SiteUrl.FromEnvironment());
        services.AddSingleton(DigestSettings.FromEnvironment());
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<Subscriptions>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<DigestComposer>();
        // Saved searches: their new matches join members' digests (a personal section) or go out as alerts.
        services.AddSingleton<Alerts.SavedSearches>();
        services.AddSingleton<IPersonalDigestSection, Alerts.SavedSearchSection>();
        services.AddSingleton<Alerts.AlertComposer>();
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

    public static WebApplication MapDigests(this WebApplication app)
    {
        // The rate limiter middleware runs once for the whole site (Community.UseCommunity), with
        // one 429 answer; this only adds the subscribe policy.
        app.MapFeeds();
        app.MapSubscriptions();
        Alerts.AlertPages.MapAlerts(app);
        Community.DataExport.MapDataExport(app);
        return app;
    }
}
