using System.Collections.Concurrent;

namespace Paperboy.Web;

/// <summary>
/// Answers reused while the data behind them is unchanged: each entry carries the version stamp
/// of its data, and a request that computes a different stamp misses. Bounded: past
/// <c>maxEntries</c> the cache starts over rather than tracking recency on the hot path.
/// </summary>
public sealed class StampedCache<T>(int maxEntries) where T : class
{
    readonly ConcurrentDictionary<string, (string Stamp, T Value)> _entries = new(StringComparer.Ordinal);

    public T? Get(string key, string stamp) =>
        _entries.TryGetValue(key, out var entry) && entry.Stamp == stamp ? entry.Value : null;

    public T Set(string key, string stamp, T value)
    {
        if (_entries.Count >= maxEntries) _entries.Clear();
        _entries[key] = (stamp, value);
        return value;
    }
}
