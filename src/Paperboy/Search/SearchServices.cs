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
        services.AddSingleton(_ => NeuralEmbedder.FromEnvironment()); // the model loads on first use
        services.AddSingleton<PaperVectors>();
        services.AddSingleton<PaperEmbedding>();
        services.AddSingleton(sp => new PaperSearch(sp.GetRequiredService<SearchIndex>(), sp.GetRequiredService<Storage.Database>(),
            sp.GetRequiredService<ExternalEmbeddings>(), sp.GetRequiredService<PaperboyOptions>().BuiltInEmbedder ? sp.GetRequiredService<NeuralEmbedder>() : null,
            sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<SearchIndexer>();
        services.AddHostedService<EmbeddingWorker>();
        return services;
    }

    /// <summary><c>/api/papers/search</c>, <c>/search</c> and their siblings.</summary>
    public static IEndpointRouteBuilder MapSearch(this IEndpointRouteBuilder app) => app.MapSearchApi().MapSearchPage();
}
