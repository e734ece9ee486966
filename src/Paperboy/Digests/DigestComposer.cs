using Dapper;
using Paperboy.Papers;
using Paperboy.Storage;
using Paperboy.Syndication;

namespace Paperboy.Digests;

public enum DigestKind { Daily, Weekly }

public sealed record ComposedDigest(DigestKind Kind, string Period, int Papers, int NewMessages);

/// <summary>
/// Puts the due digests into the outbox, one row per confirmed subscriber. Safe to run again or
/// from two processes at once: the outbox key makes a second row for the same subscriber, kind
/// and period impossible, and a period with no papers composes nothing.
/// </summary>
public sealed class DigestComposer(Database database, PaperStore papers, SiteUrl site)
{
    const int DailyLimit = 30;
    const int WeeklyLimit = 20;
    // Rows per transaction: large enough to be quick, small enough not to hold the SQLite write lock for long.
    const int ChunkSize = 500;

    /// <summary>
    /// The daily digest covers the latest featured day on or before <paramref name="date"/>; the weekly
    /// one covers the latest ISO week that has ended by then (the week of <paramref name="date"/> when it
    /// is a Sunday, else the week before).
    /// </summary>
    public async Task<IReadOnlyList<ComposedDigest>> ComposeAsync(DateOnly date, DateTimeOffset now, CancellationToken ct = default)
    {
        var result = new List<ComposedDigest>();
        await using (var c = await database.OpenAsync(ct))
        {
            var day = Clock.ParseDay(await c.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT MAX(day) FROM daily_entries WHERE day <= @date", new { date = Clock.Day(date) }, cancellationToken: ct)));
            if (day is { } d) result.Add(await ComposeAsync(DigestKind.Daily, Period.Day(d), now, ct));
        }
        var sunday = date.AddDays(-(int)date.DayOfWeek);
        result.Add(await ComposeAsync(DigestKind.Weekly, Period.Week(sunday), now, ct));
        return result;
    }

    public async Task<ComposedDigest> ComposeAsync(DigestKind kind, Period period, DateTimeOffset now, CancellationToken ct = default)
    {
        var kindName = kind == DigestKind.Daily ? "daily" : "weekly";
        await using var c = await database.OpenAsync(ct);
        var recipients = (await c.QueryAsync<(long Id, string Email)>(new CommandDefinition("""
            SELECT s.id, s.email FROM subscriptions s
            WHERE s.status = 'confirmed' AND s.frequency = @kindName
              AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.subscription_id = s.id AND o.kind = @kindName AND o.period = @period)
            ORDER BY s.id
            """, new { kindName, period = period.Key }, cancellationToken: ct))).AsList();
        var total = await papers.CountAsync(period, ct);
        // Nobody waiting for this digest (the common case on every later run), or nothing to say: no rendering.
        if (recipients.Count == 0 || total == 0) return new ComposedDigest(kind, period.Key, total, 0);

        var items = kind == DigestKind.Daily
            ? await papers.ListAsync(period, DailySort.Trending, 0, DailyLimit, ct)
            : await papers.ListAsync(period, DailySort.Upvotes, 0, WeeklyLimit, ct);
        if (items.Count == 0) return new ComposedDigest(kind, period.Key, 0, 0);

        // One rendering for everyone; only the unsubscribe link differs.
        var placeholder = "unsubscribe-" + Guid.NewGuid().ToString("N");
        var mail = DigestEmail.Digest(kind, period, items, total, site.ForEmail, placeholder);

        var added = 0;
        foreach (var chunk in recipients.Chunk(ChunkSize))
        {
            await using var tx = await c.BeginTransactionAsync(ct);
            foreach (var (id, email) in chunk)
            {
                // A fresh unsubscribe token per message: the database keeps only its hash, the mail keeps the token.
                var token = Tokens.New();
                var url = new Uri(site.ForEmail, "unsubscribe?token=" + token).AbsoluteUri;
                var personal = new EmailContent(mail.Subject, mail.Html.Replace(placeholder, url, StringComparison.Ordinal),
                    mail.Text.Replace(placeholder, url, StringComparison.Ordinal));
                if (!await Outbox.InsertAsync(c, tx, new OutboxInsert(id, kindName, period.Key, email, personal, url), now, ct)) continue;
                await c.ExecuteAsync(new CommandDefinition("""
                    INSERT INTO subscription_tokens (token_hash, subscription_id, purpose, created_at) VALUES (@hash, @id, 'unsubscribe', @at)
                    """, new { hash = Tokens.Hash(token), id, at = Clock.Timestamp(now) }, tx, cancellationToken: ct));
                added++;
            }
            await tx.CommitAsync(ct);
        }
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO digest_runs (kind, period, ran_at, composed) VALUES (@kindName, @period, @at, @added)
            ON CONFLICT (kind, period) DO UPDATE SET ran_at = excluded.ran_at, composed = digest_runs.composed + excluded.composed
            """, new { kindName, period = period.Key, at = Clock.Timestamp(now), added }, cancellationToken: ct));
        return new ComposedDigest(kind, period.Key, total, added);
    }
}
