using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace Paperboy.Club;

/// <summary>
/// <c>/club.ics</c>: every session as an iCalendar (RFC 5545) event, written by Ical.Net, for calendars
/// that subscribe to the URL. Each event's UID is stable (the session id and the site's host), so a
/// calendar refreshing the feed updates the events it has instead of adding copies.
/// </summary>
public static class ClubCalendar
{
    public static string Write(IEnumerable<ClubSession> sessions, Uri site)
    {
        var calendar = new Calendar { ProductId = "-//Paperboy//Journal club//EN" };
        calendar.AddProperty("X-WR-CALNAME", "Journal club");
        calendar.AddProperty("NAME", "Journal club");
        foreach (var s in sessions)
        {
            var page = new Uri(site, $"papers/{s.PaperId}");
            var description = new List<string> { $"{s.PaperTitle}", $"Presenter: {s.Presenter}", $"Paper: {page.AbsoluteUri}" };
            if (s.NotesUrl is { } notes) description.Add($"Notes: {notes}");
            if (s.SlidesUrl is { } slides) description.Add($"Slides: {slides}");
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"club-session-{s.Id}@{site.Host}",
                Summary = $"Journal club: {s.PaperTitle} ({s.Presenter})",
                DtStart = new CalDateTime(s.Start.UtcDateTime, "UTC"),
                DtEnd = new CalDateTime(s.End.UtcDateTime, "UTC"),
                DtStamp = new CalDateTime(DateTimeOffset.Parse(s.UpdatedAt, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime, "UTC"),
                Location = s.Location,
                Description = string.Join("\n", description),
                Url = s.LocationLink is { } link ? new Uri(link) : page,
            });
        }
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }
}
