namespace Paperboy.Digests;

/// <summary>
/// Somewhere else the daily digest and saved-search alerts go (webhooks), registered in DI. Each run of
/// the digest job asks every outlet to compose after the mail is composed; an outlet only queues work
/// (its own outbox) and delivers it elsewhere, so a slow outlet never delays mail.
/// </summary>
public interface IDigestOutlet
{
    /// <summary>Queues what the run for <paramref name="date"/> (the day the digest covers at most) produces; returns how many deliveries were added.</summary>
    Task<int> ComposeAsync(DateOnly date, DateTimeOffset now, CancellationToken ct);
}
