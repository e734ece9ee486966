using Dapper;
using Paperboy.Storage;

namespace Paperboy.Digests;

/// <param name="Alerts">Saved-search alert mails put in the outbox by this run.</param>
/// <param name="Elsewhere">Deliveries queued by the <see cref="IDigestOutlet"/>s (webhooks).</param>
public sealed record DigestRunReport(IReadOnlyList<ComposedDigest> Composed, int Alerts, DeliveryReport Delivery, int Elsewhere = 0);

/// <summary>One run of the digest job, shared by <c>paperboy digest send</c> and the scheduler in serve: compose digests and alerts, then deliver.</summary>
public sealed class DigestRun(DigestComposer composer, Alerts.AlertComposer alerts, OutboxSender sender, DigestSettings settings, Database database, TimeProvider time,
    IEnumerable<IDigestOutlet>? outlets = null)
{
    /// <summary>The day a run at <paramref name="now"/> is for: yesterday in the configured time zone, the last whole day.</summary>
    public DateOnly DefaultDate(DateTimeOffset now) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, settings.TimeZone).DateTime).AddDays(-1);

    public async Task<DigestRunReport> RunAsync(DateOnly? date, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var day = date ?? DefaultDate(now);
        var composed = await composer.ComposeAsync(day, now, ct);
        var alerted = await alerts.ComposeAsync(day, now, ct);
        var elsewhere = 0;
        foreach (var outlet in outlets ?? []) elsewhere += await outlet.ComposeAsync(day, now, ct);
        var delivery = await sender.DeliverAsync(ct);
        return new DigestRunReport(composed, alerted, delivery, elsewhere);
    }

    /// <summary>The latest scheduled moment at or before <paramref name="now"/>, as a local date (the run's name).</summary>
    public DateOnly LatestScheduledDate(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, settings.TimeZone);
        var today = DateOnly.FromDateTime(local.DateTime);
        return TimeOnly.FromDateTime(local.DateTime) >= settings.DigestAt ? today : today.AddDays(-1);
    }

    /// <summary>When the scheduled run after <paramref name="now"/> is due.</summary>
    public DateTimeOffset NextScheduledAt(DateTimeOffset now)
    {
        var next = LatestScheduledDate(now).AddDays(1).ToDateTime(settings.DigestAt);
        // A local time skipped by a DST change runs an hour later rather than not at all.
        if (settings.TimeZone.IsInvalidTime(next)) next = next.AddHours(1);
        return new DateTimeOffset(next, settings.TimeZone.GetUtcOffset(next));
    }

    /// <summary>
    /// Records the scheduled run of <paramref name="scheduled"/>; false if it was already recorded
    /// (by this instance before a restart, or by another instance).
    /// </summary>
    public async Task<bool> TryStartScheduledAsync(DateOnly scheduled, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO digest_runs (kind, period, ran_at, composed) VALUES ('schedule', @period, @at, 0) ON CONFLICT (kind, period) DO NOTHING",
            new { period = StoredTime.FormatDay(scheduled), at = StoredTime.Format(now) }, cancellationToken: ct)) > 0;
    }

    /// <summary>Forgets a scheduled run that failed, so the next poll tries it again instead of skipping a day.</summary>
    public async Task ForgetScheduledAsync(DateOnly scheduled, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM digest_runs WHERE kind = 'schedule' AND period = @period",
            new { period = StoredTime.FormatDay(scheduled) }, cancellationToken: ct));
    }
}
