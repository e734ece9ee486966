using System.Collections.Concurrent;

namespace Paperboy.Thumbnails;

/// <summary>
/// Which papers have a stored picture, kept in memory so a page of cards asks the database once, not once
/// per card. Reloaded when older than <see cref="MaxAge"/> (so pictures another instance stored show up,
/// and hidden papers' go); a picture this instance's worker stores is added in place (<see cref="Remember"/>),
/// not by reloading every row, which during a first harvest would read the table once per picture.
/// </summary>
public sealed class ThumbnailIndex(ThumbnailStore store, TimeProvider time) : IDisposable
{
    static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    readonly SemaphoreSlim _loading = new(1, 1);
    volatile Snapshot? _snapshot;

    sealed record Snapshot(ConcurrentDictionary<string, ThumbnailEntry> Entries, DateTimeOffset LoadedAt);

    public async Task<ThumbnailEntry?> FindAsync(string paperId, CancellationToken ct = default)
    {
        var snapshot = _snapshot;
        if (snapshot is null || time.GetUtcNow() - snapshot.LoadedAt > MaxAge)
        {
            await _loading.WaitAsync(ct);
            try
            {
                snapshot = _snapshot;
                if (snapshot is null || time.GetUtcNow() - snapshot.LoadedAt > MaxAge)
                    _snapshot = snapshot = new Snapshot(new(await store.IndexAsync(ct), StringComparer.Ordinal), time.GetUtcNow());
            }
            finally { _loading.Release(); }
        }
        return snapshot.Entries.GetValueOrDefault(paperId);
    }

    /// <summary>A picture just stored by this instance; before the first load there is nothing to add to.</summary>
    public void Remember(string paperId, ThumbnailEntry entry) => _snapshot?.Entries[paperId] = entry;

    public void Dispose() => _loading.Dispose();
}
