using Microsoft.Extensions.DependencyInjection;
using Paperboy.Config;

namespace Paperboy.Search;

public static class SearchServices
{
    /// <summary>The index, the search service and the poller that keeps the index current.</summary>
    public static IServiceCollection AddPaperSearch(this IServiceCollection services)
    {
        services.AddSettings(SearchSettings.Read);
        services.AddSingleton<SearchIndex>();
        services.AddSettings(EmbeddingEndpoint.Read);
        services.AddSingleton<ExternalEmbeddings>();
        services.AddSettings(BuiltInModelSettings.Read);
        services.AddSingleton(sp => sp.GetRequiredService<BuiltInModelSettings>().Create()); // the model loads on first use
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
