namespace Paperboy.Thumbnails;

/// <summary>
/// Which papers have a stored picture, kept in memory so a page of cards asks the database once, not once
/// per card. Reloaded when older than <see cref="MaxAge"/> (so pictures another instance stored show up)
/// and at once when this instance's worker stores one.
/// </summary>
public sealed class ThumbnailIndex(ThumbnailStore store, TimeProvider time) : IDisposable
{
    static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    readonly SemaphoreSlim _loading = new(1, 1);
    volatile Snapshot? _snapshot;

    sealed record Snapshot(Dictionary<string, ThumbnailEntry> Entries, DateTimeOffset LoadedAt);

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
                    _snapshot = snapshot = new Snapshot(await store.IndexAsync(ct), time.GetUtcNow());
            }
            finally { _loading.Release(); }
        }
        return snapshot.Entries.GetValueOrDefault(paperId);
    }

    public void Invalidate() => _snapshot = null;

    public void Dispose() => _loading.Dispose();
}
