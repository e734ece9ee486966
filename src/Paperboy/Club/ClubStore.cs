using System.Globalization;
using Dapper;
using Paperboy.Feed;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Club;

/// <summary>A scheduled session of the journal club, with its paper's title for lists.</summary>
public sealed class ClubSession
{
    public long Id { get; set; }
    public string PaperId { get; set; } = "";
    public string PaperTitle { get; set; } = "";
    public string StartsAt { get; set; } = "";
    public long DurationMinutes { get; set; }
    public string Presenter { get; set; } = "";
    public string? Location { get; set; }
    public string? NotesUrl { get; set; }
    public string? SlidesUrl { get; set; }
    public long? CreatedBy { get; set; }
    public string CreatedAt { get; set; } = "";
    public string UpdatedAt { get; set; } = "";

    public DateTimeOffset Start => DateTimeOffset.Parse(StartsAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    public DateTimeOffset End => Start.AddMinutes(DurationMinutes);
    /// <summary>The location when it is a link (a video call), for an href; a room stays text.</summary>
    public string? LocationLink => SafeUrl.Http(Location) is { } url && Location!.Trim().Contains("://", StringComparison.Ordinal) ? url : null;
}

/// <summary>What a member asks to schedule, as typed (form or JSON); <see cref="ClubStore.ScheduleAsync"/> checks every field.</summary>
public sealed record SessionRequest(string? PaperId, string? Date, string? Time, string? Presenter, string? Location,
    string? NotesUrl, string? SlidesUrl, int? DurationMinutes);

/// <summary>
/// The journal club's sessions (table <c>club_sessions</c>, 0051). Any member who is not blocked may
/// schedule a session; its creator and admins may remove it. Dates and times are typed in the site's
/// time zone (PAPERBOY_TIMEZONE) and stored in UTC.
/// </summary>
public sealed class ClubStore(Database database, PaperStore papers, TimeProvider clock)
{
    public const int MaxText = 200;

    public async Task<(ClubSession? Session, string? Error)> ScheduleAsync(User member, SessionRequest r, TimeZoneInfo zone, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(r.PaperId)) return (null, "Name the paper (an arXiv id or a paper id from this site).");
        var paper = await papers.GetAsync(ArxivId.Parse(r.PaperId.Trim())?.Id ?? r.PaperId.Trim(), ct);
        // A hidden paper (moderated away, or private to members or a group) is answered like a missing one:
        // /club and /club.ics are public, and a session would show its title to everyone.
        if (paper is null || paper.Hidden) return (null, $"There is no paper “{Clip(r.PaperId)}” here; import or submit it first.");
        if (!DateOnly.TryParseExact(r.Date?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) || !CatalogDates.Contains(date))
            return (null, "The date must be YYYY-MM-DD.");
        if (!TimeOnly.TryParseExact(r.Time?.Trim(), ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            return (null, "The time must be HH:mm (24-hour), e.g. 14:30.");
        var presenter = r.Presenter?.Trim();
        if (string.IsNullOrEmpty(presenter)) return (null, "Say who presents.");
        if (presenter.Length > MaxText) return (null, $"The presenter's name is longer than {MaxText} characters.");
        var location = Blank(r.Location);
        if (location is { Length: > MaxText * 5 }) return (null, "The room or link is too long.");
        // A location that looks like a link must be an http(s) one; anything else is a room name shown as text.
        if (location is not null && location.Contains(':', StringComparison.Ordinal) && location.Contains("//", StringComparison.Ordinal) && SafeUrl.Http(location) is null)
            return (null, "A link for the session must start with http:// or https://.");
        string? notes = null, slides = null;
        foreach (var (name, value, set) in new (string, string?, Action<string?>)[] { ("notes", r.NotesUrl, v => notes = v), ("slides", r.SlidesUrl, v => slides = v) })
        {
            if (Blank(value) is not { } text) continue;
            if (SafeUrl.Http(text) is not { } url || text.Length > 2000) return (null, $"The {name} link must be an http:// or https:// address.");
            set(url);
        }
        var minutes = r.DurationMinutes ?? 60;
        if (minutes is < 5 or > 600) return (null, "A session lasts from 5 to 600 minutes.");

        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local)) return (null, "That time does not exist on that day (the clocks change); pick another.");
        var start = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
        var now = StoredTime.Format(clock.GetUtcNow());
        await using var c = await database.OpenAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO club_sessions (paper_id, starts_at, duration_minutes, presenter, location, notes_url, slides_url, created_by, created_at, updated_at)
            VALUES (@PaperId, @StartsAt, @Minutes, @Presenter, @Location, @Notes, @Slides, @UserId, @Now, @Now)
            RETURNING id
            """, new { PaperId = paper.Id, StartsAt = StoredTime.Format(start), Minutes = minutes, Presenter = presenter, Location = location, Notes = notes, Slides = slides, UserId = member.Id, Now = now }, cancellationToken: ct));
        return (await GetAsync(id, ct), null);
    }

    public async Task<ClubSession?> GetAsync(long id, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<ClubSession>(new CommandDefinition(Select + " WHERE s.id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>Sessions not yet over (soonest first) and those that are (latest first); a session under way counts as upcoming.</summary>
    public async Task<(IReadOnlyList<ClubSession> Upcoming, IReadOnlyList<ClubSession> Past)> ListAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var all = (await c.QueryAsync<ClubSession>(new CommandDefinition(Select + " ORDER BY s.starts_at, s.id", cancellationToken: ct))).AsList();
        var now = clock.GetUtcNow();
        return (all.Where(s => s.End > now).ToList(), all.Where(s => s.End <= now).Reverse().ToList());
    }

    /// <summary>The next session that has not started yet, for the digest.</summary>
    public async Task<ClubSession?> NextAsync(CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return await c.QueryFirstOrDefaultAsync<ClubSession>(new CommandDefinition(
            Select + " WHERE s.starts_at > @now ORDER BY s.starts_at, s.id", new { now = StoredTime.Format(clock.GetUtcNow()) }, cancellationToken: ct));
    }

    /// <summary>The creator or an admin removes a session; anyone else is refused (false) and nothing changes.</summary>
    public async Task<bool?> DeleteAsync(User member, long id, CancellationToken ct)
    {
        var session = await GetAsync(id, ct);
        if (session is null) return null;
        if (!member.IsAdmin && session.CreatedBy != member.Id) return false;
        await using var c = await database.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("DELETE FROM club_sessions WHERE id = @id", new { id }, cancellationToken: ct));
        return true;
    }

    const string Select = """
        SELECT s.id, s.paper_id, p.title AS paper_title, s.starts_at, s.duration_minutes, s.presenter, s.location, s.notes_url, s.slides_url,
               s.created_by, s.created_at, s.updated_at
        FROM club_sessions s JOIN papers p ON p.id = s.paper_id AND p.hidden = FALSE
        """;

    static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
    static string Clip(string s) => s.Length <= 60 ? s.Trim() : s[..60] + "…";
}
