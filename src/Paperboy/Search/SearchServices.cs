using Microsoft.Extensions.DependencyInjection;

namespace Paperboy.Search;

public static class SearchServices
{
    /// <summary>The index, the search service and the poller that keeps the index current.</summary>
    public static IServiceCollection AddPaperSearch(this IServiceCollection services)
    {
        services.AddSingleton(_ => SearchSettings.FromEnvironment());
        services.AddSingleton<SearchIndex>();
        services.AddSingleton(_ => EmbeddingEndpoint.FromEnvironment());
        services.AddSingleton<ExternalEmbeddings>();
        services.AddSingleton<PaperSearch>();
        services.AddHostedService<SearchIndexer>();
        return services;
    }
}
