using Dapper;
using Paperboy.Papers;
using Paperboy.Storage;
using Paperboy.Syndication;
using Paperboy.Web;

namespace Paperboy.Digests;

public enum DigestKind { Daily, Weekly }

public sealed record ComposedDigest(DigestKind Kind, string Period, int Papers, int NewMessages);

/// <summary>
/// Puts the due digests into the outbox, one row per confirmed subscriber. Safe to run again or
/// from two processes at once: the outbox key makes a second row for the same subscriber, kind
/// and period impossible. Anonymous subscribers share one rendering; a subscriber tied to a member
/// also gets the sections of every registered <see cref="IPersonalDigestSection"/> above the
/// community list. Nothing is sent when there is nothing new: with no community papers in the
/// period, only members with a non-empty personal section get a digest.
/// </summary>
public sealed class DigestComposer(Database database, PaperStore papers, SiteUrl site, IEnumerable<IPersonalDigestSection> personal,
    ILogger<DigestComposer>? logger = null)
{
    readonly IPersonalDigestSection[] _sections = personal.ToArray();

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
            var day = StoredTime.ParseDay(await c.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT MAX(day) FROM daily_entries WHERE day <= @date", new { date = StoredTime.FormatDay(date) }, cancellationToken: ct)));
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
        var recipients = (await c.QueryAsync<(long Id, string Email, long? UserId)>(new CommandDefinition("""
            SELECT s.id, s.email, s.user_id FROM subscriptions s
            WHERE s.status = 'confirmed' AND s.frequency = @kindName
              AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.subscription_id = s.id AND o.kind = @kindName AND o.period = @period)
            ORDER BY s.id
            """, new { kindName, period = period.Key }, cancellationToken: ct))).AsList();
        var total = await papers.CountAsync(period, ct);
        // Only members can have a personal section; without one and without community papers there is nothing to say.
        if (total == 0) recipients.RemoveAll(r => r.UserId is null || _sections.Length == 0);
        // Nobody waiting for this digest (the common case on every later run), or nothing to say: no rendering.
        if (recipients.Count == 0) return new ComposedDigest(kind, period.Key, total, 0);

        var items = total == 0 ? [] : kind == DigestKind.Daily
            ? await papers.ListAsync(period, DailySort.Trending, 0, DailyLimit, ct)
            : await papers.ListAsync(period, DailySort.Upvotes, 0, WeeklyLimit, ct);

        // One rendering for everyone without a personal section; only the unsubscribe link differs.
        var placeholder = "unsubscribe-" + Guid.NewGuid().ToString("N");
        var shared = items.Count == 0 ? null : DigestEmail.Digest(kind, period, items, total, site.ForEmail, placeholder);

        var added = 0;
        foreach (var chunk in recipients.Chunk(ChunkSize))
        {
            // Personal sections are asked for before the transaction: they may search, and must not hold the write lock meanwhile.
            var mails = new EmailContent?[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                var sections = chunk[i].UserId is { } userId ? await SectionsAsync(userId, kind, period, ct) : [];
                mails[i] = sections.Count > 0 ? DigestEmail.Digest(kind, period, items, total, site.ForEmail, placeholder, sections) : shared;
            }
            await using var tx = await c.BeginTransactionAsync(ct);
            for (var i = 0; i < chunk.Length; i++)
            {
                var (id, email, _) = chunk[i];
                if (mails[i] is not { } mail) continue;
                // A fresh unsubscribe token per message: the database keeps only its hash, the mail keeps the token.
                var token = Tokens.New();
                var url = new Uri(site.ForEmail, "unsubscribe?token=" + token).AbsoluteUri;
                var personal = new EmailContent(mail.Subject, mail.Html.Replace(placeholder, url, StringComparison.Ordinal),
                    mail.Text.Replace(placeholder, url, StringComparison.Ordinal));
                if (!await Outbox.InsertAsync(c, tx, new OutboxInsert(id, kindName, period.Key, email, personal, url), now, ct)) continue;
                await MailedLinks.AddAsync(c, tx, token, id, "unsubscribe", null, now, ct);
                added++;
            }
            await tx.CommitAsync(ct);
        }
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO digest_runs (kind, period, ran_at, composed) VALUES (@kindName, @period, @at, @added)
            ON CONFLICT (kind, period) DO UPDATE SET ran_at = excluded.ran_at, composed = digest_runs.composed + excluded.composed
            """, new { kindName, period = period.Key, at = StoredTime.Format(now), added }, cancellationToken: ct));
        return new ComposedDigest(kind, period.Key, total, added);
    }

    /// <summary>
    /// A member's sections, in registration order, leaving out empty ones. A section that fails is
    /// left out of this member's digest (and logged) rather than stopping everyone's.
    /// </summary>
    async Task<IReadOnlyList<DigestSection>> SectionsAsync(long userId, DigestKind kind, Period period, CancellationToken ct)
    {
        var result = new List<DigestSection>(_sections.Length);
        foreach (var section in _sections)
        {
            try
            {
                if (await section.ComposeAsync(userId, kind, period, ct) is { Picks.Count: > 0 } s) result.Add(s);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger?.LogError(ex, "Digest section {Section} failed for member {User}; their digest goes without it", section.GetType().Name, userId);
            }
        }
        return result;
    }
}
