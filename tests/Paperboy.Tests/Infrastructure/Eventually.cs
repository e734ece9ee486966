namespace Paperboy.Tests.Infrastructure;

/// <summary>
/// Waits for something another thread, process or instance does (a poller sends a mail, an indexer
/// catches up, an import commits): asks again every 100 ms until the answer is the expected one or
/// the time is up. It returns the last answer either way, so the test's own assertion names what was
/// seen. Never use it, or a sleep, to show that something does NOT happen: wait for a later event
/// that proves the moment has passed instead.
/// </summary>
public static class Eventually
{
    static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>30 s: generous, because CI shares two cores with other test classes running at once.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Asks <paramref name="probe"/> until <paramref name="done"/> holds for its answer; returns the last answer.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(Interval);
        }
    }

    /// <summary>Asks <paramref name="condition"/> until it holds; returns whether it did in time (assert on it).</summary>
    public static Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan? timeout = null) =>
        ReturnsAsync(condition, held => held, timeout);

    /// <summary>Like <see cref="TrueAsync(Func{Task{bool}}, TimeSpan?)"/> for a condition that needs no I/O.</summary>
    public static Task<bool> TrueAsync(Func<bool> condition, TimeSpan? timeout = null) =>
        ReturnsAsync(() => Task.FromResult(condition()), held => held, timeout);
}
