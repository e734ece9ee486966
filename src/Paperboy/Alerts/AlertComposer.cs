using Dapper;
using Paperboy.Digests;
using Paperboy.Storage;
using Paperboy.Syndication;
using Paperboy.Web;

namespace Paperboy.Alerts;

/// <summary>
/// Saved searches delivered "as a separate email": one alert per search per run day, through the
/// outbox (kind <c>alert</c>, period <c>{search id}/{day}</c>), so its UNIQUE key makes a second
/// alert for the same search and day impossible, as for digests. Alerts go only to an address the
/// member proved by confirming a subscription; a search with nothing new sends nothing.
/// </summary>
public sealed class AlertComposer(Database database, SavedSearches searches, SiteUrl site)
{
    const int PerAlert = 20;

    public async Task<int> ComposeAsync(DateOnly date, DateTimeOffset now, CancellationToken ct = default)
    {
        var day = StoredTime.FormatDay(date);
        List<Due> due;
        await using (var c = await database.OpenAsync(ct))
        {
            due = (await c.QueryAsync<Due>(new CommandDefinition("""
                SELECT s.id AS search_id, sub.id AS subscription_id, sub.email AS recipient
                FROM saved_searches s JOIN subscriptions sub ON sub.user_id = s.user_id
                WHERE s.delivery = 'email' AND sub.confirmed_at IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.subscription_id = sub.id AND o.kind = 'alert'
                                  AND o.period = CAST(s.id AS TEXT) || '/' || @day)
                ORDER BY s.id
                """, new { day }, cancellationToken: ct))).AsList();
        }
        var added = 0;
        foreach (var row in due)
        {
            await using var c = await database.OpenAsync(ct);
            var saved = await c.QuerySingleOrDefaultAsync<SavedSearch>(new CommandDefinition(
                "SELECT * FROM saved_searches WHERE id = @SearchId", row, cancellationToken: ct));
            if (saved is null) continue;
            var (papers, total) = await searches.NewMatchesAsync(saved, "alert:" + day, now, PerAlert, ct);
            if (papers.Count == 0) continue;

            var token = Tokens.New();
            var stop = new Uri(site.ForEmail, "alerts/stop?token=" + token).AbsoluteUri;
            var section = new Digests.DigestSection($"New for your search “{saved.Name}”",
                papers.Select(p => new DigestPick(p, $"Added to the catalog since your last alert; matches “{saved.Query}”")).ToList());
            var searchUrl = new Uri(site.ForEmail, saved.AsView().Href().TrimStart('/'));
            var mail = DigestEmail.Alert(section, total, searchUrl, site.ForEmail, stop);
            await using var tx = await c.BeginTransactionAsync(ct);
            if (await Outbox.InsertAsync(c, tx, new OutboxInsert(row.SubscriptionId, "alert", $"{saved.Id}/{day}", row.Recipient, mail, stop), now, ct))
            {
                await MailedLinks.AddAsync(c, tx, token, row.SubscriptionId, SavedSearches.StopPurpose, saved.Id, now, ct);
                added++;
            }
            await tx.CommitAsync(ct);
        }
        return added;
    }

    sealed class Due
    {
        public long SearchId { get; set; }
        public long SubscriptionId { get; set; }
        public string Recipient { get; set; } = "";
    }
}
