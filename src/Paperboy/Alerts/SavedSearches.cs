using Dapper;
using Paperboy.Digests;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Search;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Alerts;

/// <summary>A row of <c>saved_searches</c>: a member's query with every filter of /search, and where its new matches go.</summary>
public sealed class SavedSearch
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public string Name { get; set; } = "";
    public string Query { get; set; } = "";
    public string? Mode { get; set; }
    public string? Sort { get; set; }
    public string? DateFrom { get; set; }
    public string? DateTo { get; set; }
    public string? Category { get; set; }
    public string? Author { get; set; }
    public string Delivery { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public string AlertedUntil { get; set; } = "";
    public string? WindowFrom { get; set; }
    public string? WindowKey { get; set; }

    /// <summary>The search as the /search page takes it: the link to run it again.</summary>
    public SearchView AsView() => new SearchCriteria(Query, Mode, Sort, DateFrom, DateTo, Category, Author).AsView();
}

/// <summary>The search criteria a member saves, as the search page's form sent them.</summary>
public sealed record SearchCriteria(string? Query, string? Mode, string? Sort, string? From, string? To, string? Category, string? Author)
{
    public SearchView AsView() => new()
    {
        Query = Query?.Trim() ?? "",
        Mode = Mode,
        Sort = Sort,
        From = From,
        To = To,
        Category = Category,
        Author = Author,
    };
}

/// <summary>
/// Saved searches and the new papers that match them. Every read and write is scoped to the
/// member: another member's id is simply not found.
/// </summary>
public sealed class SavedSearches(Database database, PaperSearch search, Digests.DigestSettings settings, PaperStore papers)
{
    public static readonly string[] Deliveries = ["digest", "email", "none"];
    public const int MaxNameLength = 80;
    public const int MaxPerMember = 50;

    /// <summary>What an alert mail's one-click stop link is for, in <see cref="Digests.MailedLinks"/>.</summary>
    public const string StopPurpose = "alert-stop";

    /// <summary>
    /// Validates like /search does (the same binder), then keeps the criteria; new papers count from now. The same
    /// search saved again (query and every filter) is the one already kept (<c>Existing</c>), not a second row that
    /// would bring its matches twice.
    /// </summary>
    public async Task<(SavedSearch? Saved, string? Error, bool Existing)> CreateAsync(User user, SearchCriteria criteria, string? name, DateTimeOffset now,
        CancellationToken ct = default)
    {
        if (!SearchApi.TryBind(criteria.Query, null, criteria.Mode, criteria.Sort, null, criteria.From, criteria.To, criteria.Category, criteria.Author, 20, out _, out var error))
            return (null, error, false);
        var query = criteria.Query!.Trim();
        if (query.Length > ParsedQuery.MaxChars) return (null, $"The query is longer than {ParsedQuery.MaxChars} characters.", false);
        name = string.IsNullOrWhiteSpace(name) ? query : name.Trim();
        if (name.Length > MaxNameLength) name = name[..MaxNameLength].TrimEnd() + "…";
        var at = StoredTime.Format(now);
        await using var c = await database.OpenAsync(ct);
        // Compared here rather than in SQL: a missing filter is NULL, and NULL = NULL is not true (a member has ≤ 50 rows).
        var same = (await c.QueryAsync<SavedSearch>(new CommandDefinition(
                "SELECT * FROM saved_searches WHERE user_id = @Id AND query = @query ORDER BY id", new { user.Id, query }, cancellationToken: ct)))
            .FirstOrDefault(s => s.Mode == Blank(criteria.Mode) && s.Sort == Blank(criteria.Sort) && s.DateFrom == Blank(criteria.From)
                && s.DateTo == Blank(criteria.To) && s.Category == Blank(criteria.Category) && s.Author == Blank(criteria.Author));
        if (same is not null) return (same, null, true);
        if (await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM saved_searches WHERE user_id = @Id", new { user.Id }, cancellationToken: ct)) >= MaxPerMember)
            return (null, $"You can keep up to {MaxPerMember} saved searches; delete one in your settings first.", false);
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO saved_searches (user_id, name, query, mode, sort, date_from, date_to, category, author, delivery, created_at, alerted_until)
            VALUES (@userId, @name, @query, @mode, @sort, @from, @to, @category, @author, 'digest', @at, @at)
            RETURNING id
            """, new
        {
            userId = user.Id,
            name,
            query,
            mode = Blank(criteria.Mode),
            sort = Blank(criteria.Sort),
            from = Blank(criteria.From),
            to = Blank(criteria.To),
            category = Blank(criteria.Category),
            author = Blank(criteria.Author),
            at,
        }, cancellationToken: ct));
        return (await GetAsync(user.Id, id, ct), null, false);
    }

    public async Task<IReadOnlyList<SavedSearch>> ListAsync(long userId, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<SavedSearch>(new CommandDefinition(
            "SELECT * FROM saved_searches WHERE user_id = @userId ORDER BY created_at, id", new { userId }, cancellationToken: ct))).AsList();
    }

    public async Task<SavedSearch?> GetAsync(long userId, long id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<SavedSearch>(new CommandDefinition(
            "SELECT * FROM saved_searches WHERE id = @id AND user_id = @userId", new { id, userId }, cancellationToken: ct));
    }

    /// <summary>Renames and/or changes delivery; null leaves a field as it is. Error "not found" for another member's id.</summary>
    public async Task<(bool Ok, string? Error)> UpdateAsync(long userId, long id, string? name, string? delivery, CancellationToken ct = default)
    {
        name = name?.Trim();
        if (name is { Length: 0 }) return (false, "The name must not be empty.");
        if (name is { Length: > MaxNameLength }) return (false, $"The name must be at most {MaxNameLength} characters.");
        if (delivery is not null && !Deliveries.Contains(delivery)) return (false, "Delivery must be digest, email or none.");
        await using var c = await database.OpenAsync(ct);
        var changed = await c.ExecuteAsync(new CommandDefinition(
            "UPDATE saved_searches SET name = COALESCE(@name, name), delivery = COALESCE(@delivery, delivery) WHERE id = @id AND user_id = @userId",
            new { id, userId, name, delivery }, cancellationToken: ct));
        return changed > 0 ? (true, null) : (false, "not found");
    }

    public async Task<bool> DeleteAsync(long userId, long id, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var deleted = await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM saved_searches WHERE id = @id AND user_id = @userId", new { id, userId }, tx, cancellationToken: ct));
        if (deleted > 0)
            await MailedLinks.ForgetSavedSearchAsync(c, tx, id, ct);
        await tx.CommitAsync(ct);
        return deleted > 0;
    }

    /// <summary>Whether a stop link from an alert mail is one of ours and its search still exists.</summary>
    public async Task<bool> IsStopTokenAsync(string? token, CancellationToken ct = default)
    {
        await using var c = await database.OpenAsync(ct);
        return await MailedLinks.SavedSearchOfAsync(c, null, token, StopPurpose, ct) is { } id
            && await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM saved_searches WHERE id = @id", new { id }, cancellationToken: ct)) > 0;
    }

    /// <summary>The one-click stop of an alert mail: that search's alerts are turned off and unsent ones dropped. Works any number of times.</summary>
    public async Task<bool> StopAsync(string? token, CancellationToken ct = default)
    {
        if (!Tokens.LooksValid(token)) return false;
        await using var c = await database.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var id = await MailedLinks.SavedSearchOfAsync(c, tx, token, StopPurpose, ct);
        var found = id is not null && await c.ExecuteAsync(new CommandDefinition(
            "UPDATE saved_searches SET delivery = 'none' WHERE id = @id", new { id }, tx, cancellationToken: ct)) > 0;
        if (found)
        {
            await Outbox.CancelPendingAsync(c, tx, "alert", $"{id}/", ct);
        }
        await tx.CommitAsync(ct);
        return found;
    }

    /// <summary>
    /// The papers added to the catalog since this search's last alert that the search matches, best
    /// first (at most <paramref name="limit"/>), and how many matched in all. <paramref name="windowKey"/>
    /// names the delivery (outbox kind and period): the first call for a key moves the watermark to
    /// now; later calls for the same key see the same window, so a retried run sends the same papers.
    /// </summary>
    public async Task<(IReadOnlyList<Paper> Papers, int Total)> NewMatchesAsync(SavedSearch saved, string windowKey, DateTimeOffset now, int limit, CancellationToken ct = default)
    {
        await EnsureIndexCurrentAsync(ct);
        var (from, until) = await WindowAsync(saved, windowKey, now, ct);
        await using var c = await database.OpenAsync(ct);
        var added = (await c.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM papers WHERE created_at > @from AND created_at <= @until AND hidden = FALSE",
            new { from, until }, cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);
        if (added.Count == 0) return ([], 0);
        if (!SearchApi.TryBind(saved.Query, null, saved.Mode, saved.Sort, null, saved.DateFrom, saved.DateTo, saved.Category, saved.Author, 20, out var request, out _))
            return ([], 0);
        // Ids only (no rows read), "newest" so only papers the words match count (the dense list ranks every paper) and new ones come first.
        var matched = search.Rank(request.Query, request.Mode, PaperSearch.MaxLimit, request.Filters, SearchSort.Newest)
            .Where(r => added.Contains(r.Id)).Select(r => r.Id).ToList();
        if (matched.Count == 0) return ([], 0);
        var shown = matched.Take(limit).ToList();
        var rows = await papers.VisibleByIdAsync(shown, ct);
        return (shown.Where(rows.ContainsKey).Select(id => rows[id]).ToList(), matched.Count);
    }

    async Task<(string From, string Until)> WindowAsync(SavedSearch saved, string windowKey, DateTimeOffset now, CancellationToken ct)
    {
        if (saved.WindowKey == windowKey && saved.WindowFrom is not null) return (saved.WindowFrom, saved.AlertedUntil);
        var until = StoredTime.Format(now - settings.AlertSettleTime);
        // Papers the search index has not applied yet cannot match: they wait for the next window instead of being skipped.
        if (search.Index.Watermark is { Length: > 0 } indexed && string.CompareOrdinal(indexed, until) < 0) until = indexed;
        if (string.CompareOrdinal(until, saved.AlertedUntil) < 0) until = saved.AlertedUntil;
        await using var c = await database.OpenAsync(ct);
        // Only the run that moves the watermark from where it was wins; a concurrent one reads the window it set.
        var moved = await c.ExecuteAsync(new CommandDefinition("""
            UPDATE saved_searches SET window_key = @windowKey, window_from = alerted_until, alerted_until = @until
            WHERE id = @Id AND alerted_until = @AlertedUntil AND (window_key IS NULL OR window_key <> @windowKey)
            """, new { saved.Id, saved.AlertedUntil, windowKey, until }, cancellationToken: ct)) > 0;
        if (moved)
        {
            var from = saved.AlertedUntil;
            (saved.WindowKey, saved.WindowFrom, saved.AlertedUntil) = (windowKey, from, until);
            return (from, until);
        }
        var row = await c.QuerySingleAsync<SavedSearch>(new CommandDefinition("SELECT * FROM saved_searches WHERE id = @Id", new { saved.Id }, cancellationToken: ct));
        return row.WindowKey == windowKey && row.WindowFrom is not null ? (row.WindowFrom, row.AlertedUntil) : (row.AlertedUntil, row.AlertedUntil);
    }

    long? _caughtUp; // Environment.TickCount64 at the last catch-up

    /// <summary>
    /// Papers imported since the indexer's last poll must be searchable before they are matched; once every few seconds is enough.
    /// A throttle on real work, so it runs on the machine's elapsed time, not the app's (possibly faked) clock.
    /// </summary>
    async Task EnsureIndexCurrentAsync(CancellationToken ct)
    {
        if (_caughtUp is { } last && Environment.TickCount64 - last < 5_000) return;
        await search.Index.EnsureReadyAsync(ct);
        _caughtUp = Environment.TickCount64;
    }

    static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
