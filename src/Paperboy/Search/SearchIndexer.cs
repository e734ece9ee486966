using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Paperboy.Search;

/// <summary>
/// Keeps the search index in step with the database while the site runs: opens (or rebuilds) it at
/// start, then polls <c>papers.updated_at</c> every <see cref="Interval"/>, so an import made by
/// another process is searchable within seconds. Failures are logged and retried, never fatal:
/// an index that breaks under us is rebuilt from the database.
/// </summary>
public sealed class SearchIndexer(SearchIndex index, ExternalEmbeddings external, Storage.Database database, ILogger<SearchIndexer> logger) : BackgroundService
{
    /// <summary>2 s: a cheap indexed range query on updated_at, and "searchable within seconds".</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await index.EnsureReadyAsync(stoppingToken);
                failures = 0;
                // External vectors follow the index; a down endpoint is remembered inside, so this costs nothing then.
                if (external.Configured) await external.SyncAsync(index, database, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                failures++;
                logger.LogError(ex, "Search index update failed ({Failures} in a row); rebuilding from the database", failures);
                try { await index.RebuildAsync(stoppingToken); }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
                catch (Exception rebuild) { logger.LogError(rebuild, "Search index rebuild failed; will retry"); }
            }
            try { await Task.Delay(failures == 0 ? Interval : TimeSpan.FromSeconds(Math.Min(60, 2 << Math.Min(failures, 5))), stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }
}
