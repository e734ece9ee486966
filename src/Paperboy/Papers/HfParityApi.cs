using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Paperboy.Storage;
using Paperboy.Syndication;

namespace Paperboy.Papers;

/// <summary>
/// The rest of Hugging Face's paper calls (issue #15, SPEC §10): every paper, cursor-paged, at
/// <c>GET /api/papers?cursor=&amp;limit=</c> (a JSON array; the next page is in the <c>Link: …; rel="next"</c>
/// header, which is how huggingface_hub pages), and a paper as Markdown at <c>GET /papers/{id}.md</c>.
/// </summary>
public static class HfParityApi
{
    public static IServiceCollection AddHfParity(this IServiceCollection services) => services.AddSingleton<HfOrigins>();

    public static IEndpointRouteBuilder MapHfParity(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/papers", ListAsync);
        app.MapGet("/papers/{id}.md", (string id, PaperStore store, HfOrigins origins, CancellationToken ct) => MarkdownAsync(id, store, origins, ct));
        // Old-style arXiv ids carry a slash: /papers/hep-th/9901001.md.
        app.MapGet("/papers/{archive}/{number}.md", (string archive, string number, PaperStore store, HfOrigins origins, CancellationToken ct) =>
            MarkdownAsync($"{archive}/{number}", store, origins, ct));
        return app;
    }

    /// <summary>
    /// Newest published first, ties by id; the cursor is the last paper of the page (its date and id), so
    /// pages never repeat or skip a paper while others are added. Papers without a date come last.
    /// </summary>
    static async Task<IResult> ListAsync(HttpContext http, string? cursor, string? limit, Database database, HfOrigins origins,
        SiteUrl site, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var take = PaperApi.DefaultLimit;
        if (!string.IsNullOrEmpty(limit) && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) && take is >= 1 and <= PaperApi.MaxLimit))
            return Problem($"limit must be a whole number from 1 to {PaperApi.MaxLimit}.");
        (string Published, string Id)? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (DecodeCursor(cursor) is not { } position) return Problem("cursor is not one this server gave out; start again without it.");
            after = position;
        }

        await using var c = await database.OpenAsync(ct);
        var where = after is null ? "" : "AND (COALESCE(published, '') < @Published OR (COALESCE(published, '') = @Published AND id > @Id))";
        var rows = (await c.QueryAsync<Paper>(new CommandDefinition($"""
            SELECT * FROM papers WHERE hidden = FALSE {where}
            ORDER BY COALESCE(published, '') DESC, id LIMIT @Take
            """, new { after?.Published, after?.Id, Take = take + 1 }, cancellationToken: ct))).AsList();
        var page = rows.Take(take).ToList();
        var papers = await origins.AddToAsync(page.Select(p => p.AsHfPaper(withComments: true)).ToList(), ct);
        if (rows.Count > take)
        {
            var last = page[^1];
            var next = new Uri(site.For(http.Request), $"api/papers?cursor={EncodeCursor(last.Published ?? "", last.Id)}&limit={take}");
            http.Response.Headers.Link = $"<{next.AbsoluteUri}>; rel=\"next\"";
        }
        return Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(papers, json.Value.SerializerOptions), "application/json; charset=utf-8");
    }

    static string EncodeCursor(string published, string id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(published + "|" + id)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    static (string, string)? DecodeCursor(string cursor)
    {
        if (cursor.Length > 400) return null;
        var b64 = cursor.Replace('-', '+').Replace('_', '/');
        b64 += new string('=', (4 - b64.Length % 4) % 4);
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            if (bar < 0 || bar == text.Length - 1) return null;
            var published = text[..bar];
            // The date part is a stored day (or empty for papers without one); anything else was not made here.
            if (published.Length > 0 && StoredTime.ParseDay(published) is null) return null;
            return (published, text[(bar + 1)..]);
        }
        catch (FormatException) { return null; }
    }

    static async Task<IResult> MarkdownAsync(string id, PaperStore store, HfOrigins origins, CancellationToken ct)
    {
        var paper = await store.GetAsync(id, ct);
        if (paper is null)
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Paper not found", detail: $"No paper with id '{(id.Length <= 80 ? id : id[..80] + "…")}'.");
        var hf = (await origins.AddToAsync([paper.AsHfPaper(withComments: true)], ct))[0];
        return Results.Text(PaperMarkdown.Write(paper, hf), "text/markdown; charset=utf-8");
    }

    static IResult Problem(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);
}
