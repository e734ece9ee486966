using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ical.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paperboy.Club;
using Paperboy.Digests;
using Paperboy.Papers;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Club;

/// <summary>The journal club through the real app: API, the /club page and its form, the calendar read back by Ical.Net, the digest section.</summary>
public sealed class ClubTests : IAsyncLifetime
{
    /// <summary>The app's clock, moved by the test: sessions become past without waiting.</summary>
    readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    CommunityApp _app = null!;
    static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    public async Task InitializeAsync() => _app = await CommunityApp.StartAsync(configure: b =>
    {
        b.Services.AddSingleton<TimeProvider>(_clock);
        b.Services.AddSingleton(new DigestSettings { TimeZone = Berlin, RunInBackground = false });
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    static object Session(string paper = CommunityApp.Paper, string date = "2026-12-03", string time = "14:00", string? notes = "https://notes.example.org/ssm",
        string? slides = null, string? location = "Room 4.12") =>
        new { paper_id = paper, date, time, presenter = "Ada Lovelace", location, notes_url = notes, slides_url = slides };

    async Task<JsonElement> ScheduleAsync(HttpClient member, object session)
    {
        var response = await member.PostAsJsonAsync("/api/club/sessions", session);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task AMemberSchedulesAPaperAndEveryVisitorSeesItUpcomingInTheSitesTimeZone()
    {
        var (_, ada, _) = await _app.MemberAsync("ada@example.com");
        var created = await ScheduleAsync(ada, Session());
        // 14:00 in Berlin in December is 13:00 UTC.
        Assert.StartsWith("2026-12-03T13:00:00", created.GetProperty("starts_at").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("2026-12-03T14:00:00", created.GetProperty("ends_at").GetString(), StringComparison.Ordinal);

        var html = await _app.Anonymous.GetStringAsync("/club");
        Assert.Contains("Transformers are SSMs", html, StringComparison.Ordinal);
        Assert.Contains("Thursday 3 December 2026, 14:00", html, StringComparison.Ordinal);
        Assert.Contains("Presenter: Ada Lovelace", html, StringComparison.Ordinal);
        Assert.Contains("Room 4.12", html, StringComparison.Ordinal);
        Assert.Contains("https://notes.example.org/ssm", Dom.Parse(html).Hrefs());
        Assert.Contains("Sign in to schedule one", await EmptyClubPageAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("Schedule a session", html, StringComparison.Ordinal);
    }

    async Task<string> EmptyClubPageAsync()
    {
        await using var other = await CommunityApp.StartAsync();
        return await other.Anonymous.GetStringAsync("/club");
    }

    [Fact]
    public async Task TheCalendarFeedParsesBackWithOneEventPerSessionAtTheRightTime()
    {
        var (_, ada, _) = await _app.MemberAsync("ada@example.com");
        var first = await ScheduleAsync(ada, Session(location: "https://meet.example.org/club"));
        await ScheduleAsync(ada, Session(paper: CommunityApp.OtherPaper, date: "2026-12-10", time: "09:30", notes: null, slides: "https://slides.example.org/x.pdf"));

        var response = await _app.Anonymous.GetAsync("/club.ics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        var calendar = Calendar.Load(await response.Content.ReadAsStringAsync())!;
        var events = calendar.Events.OrderBy(e => e.DtStart!.AsUtc).ToList();
        Assert.Equal(2, events.Count);
        Assert.Equal(new DateTime(2026, 12, 3, 13, 0, 0, DateTimeKind.Utc), events[0].DtStart!.AsUtc);
        Assert.Equal(new DateTime(2026, 12, 3, 14, 0, 0, DateTimeKind.Utc), events[0].DtEnd!.AsUtc);
        Assert.Equal("Journal club: Transformers are SSMs (Ada Lovelace)", events[0].Summary);
        Assert.Equal("https://meet.example.org/club", events[0].Location);
        Assert.Equal(new Uri("https://meet.example.org/club"), events[0].Url);
        Assert.Equal($"club-session-{first.GetProperty("id").GetInt64()}@127.0.0.1", events[0].Uid);
        Assert.Equal(new DateTime(2026, 12, 10, 8, 30, 0, DateTimeKind.Utc), events[1].DtStart!.AsUtc);
        Assert.Contains("Slides: https://slides.example.org/x.pdf", events[1].Description, StringComparison.Ordinal);
        // A refresh of the feed gives the same events (same UIDs), so subscribed calendars update rather than duplicate.
        var again = Calendar.Load(await _app.Anonymous.GetStringAsync("/club.ics"))!;
        Assert.Equal(events.Select(e => e.Uid).Order(), again.Events.Select(e => e.Uid).Order());
    }

    [Theory]
    [InlineData("javascript:alert(1)", null, "notes link must be an http")]
    [InlineData(null, "ftp://files.example.org/slides.pdf", "slides link must be an http")]
    [InlineData("data:text/html,hi", null, "notes link must be an http")]
    public async Task LinksThatAreNotHttpAreRefusedAndNothingIsScheduled(string? notes, string? slides, string message)
    {
        var (_, ada, _) = await _app.MemberAsync("ada@example.com");
        var response = await ada.PostAsJsonAsync("/api/club/sessions", Session(notes: notes, slides: slides));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, (await ListAsync()).GetProperty("upcoming").GetArrayLength());
    }

    [Fact]
    public async Task BadDatesUnknownPapersAndAnonymousWritesAreRefusedWithAReason()
    {
        var (_, ada, _) = await _app.MemberAsync("ada@example.com");
        foreach (var (session, message) in new[]
        {
            (Session(date: "03/12/2026"), "date must be YYYY-MM-DD"),
            (Session(time: "2pm"), "time must be HH:mm"),
            (Session(paper: "2999.99999"), "no paper"),
            (Session(location: "javascript://alert(1)"), "must start with http"),
        })
        {
            var response = await ada.PostAsJsonAsync("/api/club/sessions", session);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous.PostAsJsonAsync("/api/club/sessions", Session())).StatusCode);
        Assert.Equal(0, (await ListAsync()).GetProperty("upcoming").GetArrayLength());
    }

    [Fact]
    public async Task AHiddenPaperIsNeverOnTheClubsPublicPagesNorScheduled()
    {
        var (admin, _, _) = await _app.MemberAsync("admin@example.com", admin: true);
        var (_, ada, _) = await _app.MemberAsync("ada@example.com");
        await ScheduleAsync(ada, Session(paper: CommunityApp.OtherPaper));
        Assert.Contains("Another paper", await _app.Anonymous.GetStringAsync("/club"), StringComparison.Ordinal);

        // Hidden by a moderator (a private paper is a hidden row too): gone from /club and the calendar, and not schedulable.
        var moderation = _app.App.Services.GetRequiredService<Paperboy.Moderation.ModerationStore>();
        Assert.True(await moderation.SetPaperHiddenAsync(admin, CommunityApp.OtherPaper, true));
        Assert.DoesNotContain("Another paper", await _app.Anonymous.GetStringAsync("/club"), StringComparison.Ordinal);
        Assert.DoesNotContain("Another paper", await _app.Anonymous.GetStringAsync("/club.ics"), StringComparison.Ordinal);
        var again = await ada.PostAsJsonAsync("/api/club/sessions", Session(paper: CommunityApp.OtherPaper));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("no paper", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyTheMemberWhoScheduledASessionOrAnAdminRemovesIt()
    {
        var (_, ada, _) = await _app.MemberAsync("ada@example.com");
        var (_, bob, _) = await _app.MemberAsync("bob@example.com");
        var (_, admin, _) = await _app.MemberAsync("root@example.com", admin: true);
        var one = (await ScheduleAsync(ada, Session())).GetProperty("id").GetInt64();
        var two = (await ScheduleAsync(ada, Session(date: "2026-12-10"))).GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.Forbidden, (await bob.DeleteAsync($"/api/club/sessions/{one}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ada.DeleteAsync($"/api/club/sessions/{one}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/club/sessions/{two}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/club/sessions/{two}")).StatusCode);
        Assert.Equal(0, (await ListAsync()).GetProperty("upcoming").GetArrayLength());
    }

    [Fact]
    public async Task ASessionMovesToPastOnceItIsOver()
    {
        var (_, ada, _) = await _app.MemberAsync("ada@example.com");
        await ScheduleAsync(ada, Session());
        _clock.SetUtcNow(new DateTimeOffset(2026, 12, 3, 13, 30, 0, TimeSpan.Zero)); // under way: still upcoming
        Assert.Equal(1, (await ListAsync()).GetProperty("upcoming").GetArrayLength());
        _clock.SetUtcNow(new DateTimeOffset(2026, 12, 3, 14, 0, 0, TimeSpan.Zero));
        var list = await ListAsync();
        Assert.Equal(0, list.GetProperty("upcoming").GetArrayLength());
        Assert.Equal(CommunityApp.Paper, list.GetProperty("past")[0].GetProperty("paper_id").GetString());
        Assert.Contains("No session is scheduled yet", await _app.Anonymous.GetStringAsync("/club"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASignedInMemberSchedulesFromTheFormAndATypingMistakeKeepsWhatWasTyped()
    {
        await _app.MemberAsync("ada@example.com");
        var browser = _app.NewBrowser();
        await browser.SignInAsync("ada@example.com");
        var bad = await browser.SubmitAsync("/club", "/club", ("paper_id", CommunityApp.Paper), ("date", "2026-12-03"), ("time", "14:00"),
            ("presenter", "Grace <b>Hopper</b>"), ("location", "Room 1"), ("notes_url", "javascript:alert(1)"), ("slides_url", ""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var page = await bad.Content.ReadAsStringAsync();
        Assert.Contains("The notes link must be an http", page, StringComparison.Ordinal);
        Assert.Contains("value=\"Grace &lt;b&gt;Hopper&lt;/b&gt;\"", page, StringComparison.Ordinal);

        var good = await browser.SubmitAsync("/club", "/club", ("paper_id", $"https://arxiv.org/abs/{CommunityApp.Paper}"), ("date", "2026-12-03"),
            ("time", "14:00"), ("presenter", "Grace <b>Hopper</b>"), ("location", "Room 1"), ("notes_url", ""), ("slides_url", ""));
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        var html = await _app.Anonymous.GetStringAsync("/club");
        Assert.Contains("Presenter: Grace &lt;b&gt;Hopper&lt;/b&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMembersDigestOpensWithTheNextSession()
    {
        var (user, ada, _) = await _app.MemberAsync("ada@example.com");
        var section = _app.App.Services.GetServices<IPersonalDigestSection>().OfType<ClubDigestSection>().Single();
        Assert.Null(await section.ComposeAsync(user.Id, DigestKind.Daily, Period.Day(new DateOnly(2026, 11, 30)), default));
        await ScheduleAsync(ada, Session(paper: CommunityApp.OtherPaper, date: "2026-12-10"));
        await ScheduleAsync(ada, Session());
        var next = await section.ComposeAsync(user.Id, DigestKind.Daily, Period.Day(new DateOnly(2026, 11, 30)), default);
        Assert.Equal("Next journal club: Thursday 3 December 2026, 14:00 Europe/Berlin", next!.Title);
        Assert.Equal(CommunityApp.Paper, Assert.Single(next.Picks).Paper.Id);
        Assert.Equal("Presented by Ada Lovelace · Room 4.12", next.Picks[0].Why);
    }

    async Task<JsonElement> ListAsync() => await _app.Anonymous.GetFromJsonAsync<JsonElement>("/api/club/sessions");
}
