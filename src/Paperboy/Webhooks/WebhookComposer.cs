using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;
using Paperboy.Alerts;
using Paperboy.Digests;
using Paperboy.Groups;
using Paperboy.Papers;
using Paperboy.Storage;
using Paperboy.Syndication;

namespace Paperboy.Webhooks;

/// <summary>
/// The digest job's webhook outlet: queues one delivery per hook for the daily list (event <c>digest</c>,
/// period = the featured day) and one per hook and saved search with new matches (event <c>alerts</c>,
/// period <c>{search id}/{day}</c>). The UNIQUE key of <c>webhook_deliveries</c> makes a second run, or a
/// second instance, add nothing. Alerts use the same "new matches" window as alert mails
/// (<c>alert:{day}</c>), so a search's mail and its hook carry the same papers.
/// </summary>
public sealed class WebhookComposer(Database database, WebhookStore hooks, PaperStore papers, SavedSearches searches, SiteUrl site) : IDigestOutlet
{
    const int DigestLimit = 30;
    const int PerAlert = 20;
    const int GroupPicksLimit = 10;

    public async Task<int> ComposeAsync(DateOnly date, DateTimeOffset now, CancellationToken ct)
    {
        var added = await ComposeDigestAsync(date, now, ct);
        added += await ComposeAlertsAsync(date, now, ct);
        return added;
    }

    async Task<int> ComposeDigestAsync(DateOnly date, DateTimeOffset now, CancellationToken ct)
    {
        var targets = await hooks.ActiveAsync("digest", ct);
        if (targets.Count == 0) return 0;
        await using var c = await database.OpenAsync(ct);
        if (StoredTime.ParseDay(await c.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT MAX(day) FROM daily_entries WHERE day <= @date", new { date = StoredTime.FormatDay(date) }, cancellationToken: ct))) is not { } day) return 0;
        var period = Period.Day(day);
        var total = await papers.CountAsync(period, ct);
        var items = await papers.ListAsync(period, DailySort.Trending, 0, DigestLimit, ct);
        if (items.Count == 0) return 0;
        var added = 0;
        var list = items.Select(i => i.Paper).ToList();
        foreach (var hook in targets)
        {
            // A group's hook leads with what its members picked that day. Public papers only: a channel is
            // not the site, and anyone may read it.
            var picks = hook.GroupId is { } group ? await GroupPicks.OfAsync(c, period, GroupPicks.Outside, group, GroupPicksLimit, ct) : [];
            var body = SlackMessage.Daily(day, list, total, hook.GroupName, picks, site.ForEmail);
            if (await WebhookDeliveries.InsertAsync(c, hook.Id, "digest", period.Key, body, now, ct)) added++;
        }
        return added;
    }

    async Task<int> ComposeAlertsAsync(DateOnly date, DateTimeOffset now, CancellationToken ct)
    {
        var targets = await hooks.ActiveAsync("alerts", ct);
        if (targets.Count == 0) return 0;
        var day = StoredTime.FormatDay(date);
        var added = 0;
        foreach (var owner in targets.GroupBy(h => h.UserId))
        {
            List<SavedSearch> saved;
            await using (var c = await database.OpenAsync(ct))
            {
                saved = (await c.QueryAsync<SavedSearch>(new CommandDefinition(
                    "SELECT * FROM saved_searches WHERE user_id = @userId AND delivery = 'email' ORDER BY id", new { userId = owner.Key }, cancellationToken: ct))).AsList();
            }
            foreach (var search in saved)
            {
                var (matches, total) = await searches.NewMatchesAsync(search, "alert:" + day, now, PerAlert, ct);
                if (matches.Count == 0) continue;
                var searchUrl = new Uri(site.ForEmail, search.AsView().Href().TrimStart('/'));
                var body = SlackMessage.Alert(search.Name, matches, total, searchUrl, site.ForEmail);
                await using var c = await database.OpenAsync(ct);
                foreach (var hook in owner)
                    if (await WebhookDeliveries.InsertAsync(c, hook.Id, "alerts", $"{search.Id}/{day}", body, now, ct)) added++;
            }
        }
        return added;
    }
}

/// <summary>
/// Slack-compatible message bodies (<c>{"text": ...}</c> in Slack's mrkdwn), which Mattermost and
/// Discord's <c>/slack</c> endpoint accept too. Titles are untrusted: &amp;, &lt; and &gt; are escaped as
/// Slack asks, and a "|" would end a link's label early, so it is replaced.
/// </summary>
public static class SlackMessage
{
    static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Daily(DateOnly day, IReadOnlyList<Paper> papers, int total, string? group, IReadOnlyList<GroupPick> picks, Uri site)
    {
        var text = new StringBuilder();
        if (group is not null && picks.Count > 0)
        {
            text.Append($"*Picked in {Escape(group)}*\n");
            // The reasons name the group, which the heading already does.
            foreach (var pick in picks) text.Append($"• {Link(site, pick.Paper)}: {Escape(pick.Why.StartsWith(group + ": ", StringComparison.Ordinal) ? pick.Why[(group.Length + 2)..] : pick.Why)}\n");
            text.Append('\n');
        }
        var dayUrl = new Uri(site, $"papers/date/{StoredTime.FormatDay(day)}").AbsoluteUri;
        text.Append($"*<{dayUrl}|Daily papers, {StoredTime.FormatDay(day)}>*");
        if (group is not null) text.Append($" for {Escape(group)}");
        text.Append($" ({total} {(total == 1 ? "paper" : "papers")})\n");
        foreach (var p in papers) text.Append($"• {Link(site, p)} ({p.Upvotes} {(p.Upvotes == 1 ? "upvote" : "upvotes")})\n");
        if (total > papers.Count) text.Append($"<{dayUrl}|and {total - papers.Count} more>\n");
        return JsonSerializer.Serialize(new { text = text.ToString().TrimEnd('\n') }, Json);
    }

    public static string Alert(string searchName, IReadOnlyList<Paper> papers, int total, Uri searchUrl, Uri site)
    {
        var text = new StringBuilder($"*New for your saved search “<{searchUrl.AbsoluteUri}|{Label(searchName)}>”* ({total} new)\n");
        foreach (var p in papers) text.Append($"• {Link(site, p)}\n");
        return JsonSerializer.Serialize(new { text = text.ToString().TrimEnd('\n') }, Json);
    }

    static string Link(Uri site, Paper p) => $"<{PaperLinks.For(site, p.Id).AbsoluteUri}|{Label(p.Title)}>";

    static string Label(string s) => Escape(s.Replace('|', '¦').ReplaceLineEndings(" "));

    static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
