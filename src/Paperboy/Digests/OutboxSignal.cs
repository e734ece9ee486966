namespace Paperboy.Digests;

/// <summary>Wakes the sender in serve as soon as there is mail to send (a confirmation should not wait for the next poll).</summary>
public sealed class OutboxSignal : IDisposable
{
    readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Notify()
    {
        try { if (_semaphore.CurrentCount == 0) _semaphore.Release(); }
        catch (SemaphoreFullException) { } // already signalled: one wake-up is enough
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _semaphore.WaitAsync(timeout, ct);

    public void Dispose() => _semaphore.Dispose();
}
