using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Paperboy.Digests;
using Paperboy.Members;
using Paperboy.Syndication;
using Paperboy.Web;

namespace Paperboy.Club;

public sealed record SessionJson(
    [property: JsonPropertyName("paper_id")] string? PaperId,
    [property: JsonPropertyName("date")] string? Date,
    [property: JsonPropertyName("time")] string? Time,
    [property: JsonPropertyName("presenter")] string? Presenter,
    [property: JsonPropertyName("location")] string? Location,
    [property: JsonPropertyName("notes_url")] string? NotesUrl,
    [property: JsonPropertyName("slides_url")] string? SlidesUrl,
    [property: JsonPropertyName("duration_minutes")] int? DurationMinutes);

/// <summary>A session as the API answers it; <c>starts_at</c>/<c>ends_at</c> are UTC.</summary>
public sealed record SessionDto(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("paper_id")] string PaperId,
    [property: JsonPropertyName("paper_title")] string PaperTitle,
    [property: JsonPropertyName("starts_at")] string StartsAt,
    [property: JsonPropertyName("ends_at")] string EndsAt,
    [property: JsonPropertyName("presenter")] string Presenter,
    [property: JsonPropertyName("location")] string? Location,
    [property: JsonPropertyName("notes_url")] string? NotesUrl,
    [property: JsonPropertyName("slides_url")] string? SlidesUrl,
    [property: JsonPropertyName("href")] string Href);

/// <summary>
/// Journal club (SPEC §10): <c>/club</c> (upcoming and past sessions; members schedule from there),
/// <c>/club.ics</c> (the calendar), and the JSON API <c>GET|POST /api/club/sessions</c>,
/// <c>DELETE /api/club/sessions/{id}</c>. Members schedule; the creator or an admin removes.
/// </summary>
public static class ClubApi
{
    public static IServiceCollection AddClub(this IServiceCollection services)
    {
        services.AddSingleton<ClubStore>();
        services.AddSingleton<IPersonalDigestSection, ClubDigestSection>();
        return services;
    }

    public static IEndpointRouteBuilder MapClub(this IEndpointRouteBuilder app)
    {
        app.MapGet("/club", async (HttpContext http, ClubStore club, DigestSettings settings) => await PageAsync(http, club, settings, null, null));
        app.MapPost("/club", ScheduleFormAsync).RequireRateLimiting(RateLimits.Submissions);
        app.MapPost("/club/{id:long}/delete", DeleteFormAsync);
        app.MapGet("/club.ics", async (HttpContext http, ClubStore club, SiteUrl site) =>
        {
            var (upcoming, past) = await club.ListAsync(http.RequestAborted);
            return Results.Text(ClubCalendar.Write(past.Reverse().Concat(upcoming), site.For(http.Request)), "text/calendar; charset=utf-8");
        });

        var api = app.MapGroup("/api/club/sessions");
        api.MapGet("", async (ClubStore club, CancellationToken ct) =>
        {
            var (upcoming, past) = await club.ListAsync(ct);
            return Results.Ok(new { upcoming = upcoming.Select(AsDto), past = past.Select(AsDto) });
        });
        api.MapPost("", async (HttpContext http, SessionJson? body, ClubStore club, DigestSettings settings) =>
        {
            var (session, error) = await club.ScheduleAsync(http.Member(), AsRequest(body), settings.TimeZone, http.RequestAborted);
            return session is null
                ? Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not scheduled", detail: error)
                : Results.Created($"/api/club/sessions/{session.Id}", AsDto(session));
        }).MemberWrite(RateLimits.Submissions);
        api.MapDelete("/{id:long}", async (HttpContext http, long id, ClubStore club) => await club.DeleteAsync(http.Member(), id, http.RequestAborted) switch
        {
            null => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such session"),
            false => Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not yours", detail: "Only the member who scheduled a session, or an admin, can remove it."),
            true => Results.NoContent(),
        }).MemberWrite(RateLimits.Library);
        return app;
    }

    static async Task<IResult> ScheduleFormAsync(HttpContext http, ClubStore club, DigestSettings settings,
        [FromForm(Name = "paper_id")] string? paperId, [FromForm] string? date, [FromForm] string? time, [FromForm] string? presenter,
        [FromForm] string? location, [FromForm(Name = "notes_url")] string? notesUrl, [FromForm(Name = "slides_url")] string? slidesUrl)
    {
        if (await http.CurrentMemberAsync() is not { Blocked: false } member) return Results.Redirect("/login?returnUrl=%2Fclub");
        var request = new SessionRequest(paperId, date, time, presenter, location, notesUrl, slidesUrl, null);
        var (session, error) = await club.ScheduleAsync(member, request, settings.TimeZone, http.RequestAborted);
        // After a good post the browser goes back to /club (a reload does not schedule twice); a bad one keeps what was typed.
        return session is null ? await PageAsync(http, club, settings, request, error) : Results.Redirect($"/club#session-{session.Id}");
    }

    static async Task<IResult> DeleteFormAsync(HttpContext http, long id, ClubStore club, DigestSettings settings)
    {
        if (await http.CurrentMemberAsync() is not { Blocked: false } member) return Results.Redirect("/login?returnUrl=%2Fclub");
        return await club.DeleteAsync(member, id, http.RequestAborted) == true
            ? Results.Redirect("/club")
            : await PageAsync(http, club, settings, null, "Only the member who scheduled a session, or an admin, can remove it.", StatusCodes.Status403Forbidden);
    }

    static async Task<IResult> PageAsync(HttpContext http, ClubStore club, DigestSettings settings, SessionRequest? typed, string? error, int? status = null)
    {
        var (upcoming, past) = await club.ListAsync(http.RequestAborted);
        var member = await http.CurrentMemberAsync();
        return SitePages.Page<ClubPage>(http, new
        {
            Upcoming = upcoming,
            Past = past,
            Member = member,
            Zone = settings.TimeZone,
            Typed = typed,
            Error = error,
        }, status ?? (error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest));
    }

    static SessionRequest AsRequest(SessionJson? b) =>
        new(b?.PaperId, b?.Date, b?.Time, b?.Presenter, b?.Location, b?.NotesUrl, b?.SlidesUrl, b?.DurationMinutes);

    static SessionDto AsDto(ClubSession s) => new(s.Id, s.PaperId, s.PaperTitle, s.StartsAt, Storage.StoredTime.Format(s.End), s.Presenter,
        s.Location, s.NotesUrl, s.SlidesUrl, $"/club#session-{s.Id}");
}
