using Paperboy.Config;

namespace Paperboy.Harvest;

/// <summary>Live sources: the harvesters, their daily schedule inside <c>serve</c> and the admin view.</summary>
public static class HarvestSetup
{
    public static IServiceCollection AddHarvest(this IServiceCollection services)
    {
        services.AddSettings(HarvestSettings.Read);
        services.AddSingleton<Harvesters>();
        services.AddHostedService<HarvestScheduler>();
        return services;
    }

    public static IEndpointRouteBuilder MapHarvest(this IEndpointRouteBuilder app) => app.MapHarvestAdmin();
}
