using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using Paperboy.Feed;
using Paperboy.Papers;
using Paperboy.Storage;
using Paperboy.Syndication;
using Paperboy.Web;

namespace Paperboy.Members;

/// <summary>
/// <c>/settings/export.json</c> and <c>/settings/export.bib</c>: everything a member keeps here, as a
/// download. Only the signed-in member's own rows are read.
/// </summary>
public static class DataExport
{
    public static IEndpointRouteBuilder MapDataExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/settings/export.json", async (HttpContext http, Database database, SiteUrl site) =>
        {
            if (await http.CurrentMemberAsync() is not { Blocked: false } user) return SignIn();
            var data = await ReadAsync(database, user, http.RequestAborted);
            var baseUri = site.For(http.Request);
            var body = JsonSerializer.SerializeToUtf8Bytes(AsJson(data, baseUri), JsonOptions);
            return Download(http, body, "application/json", $"paperboy-{Slug(user.Name)}.json");
        });
        app.MapGet("/settings/export.bib", async (HttpContext http, Database database, SiteUrl site) =>
        {
            if (await http.CurrentMemberAsync() is not { Blocked: false } user) return SignIn();
            var data = await ReadAsync(database, user, http.RequestAborted);
            var papers = data.Library.Select(p => p.Paper).Concat(data.Upvotes.Select(p => p.Paper)).DistinctBy(p => p.Id).ToList();
            var body = Encoding.UTF8.GetBytes(BibTex.Write(papers, site.For(http.Request)));
            return Download(http, body, "application/x-bibtex; charset=utf-8", $"paperboy-{Slug(user.Name)}.bib");
        });
        return app;
    }

    static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default,
    };

    sealed record Dated(Paper Paper, string At);

    sealed class CollectionExport
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public bool IsPublic { get; set; }
        public string CreatedAt { get; set; } = "";
        public List<Dated> Items { get; } = [];
    }

    sealed record ExportData(User User, IReadOnlyList<Dated> Library, IReadOnlyList<Dated> Upvotes, IReadOnlyList<CollectionExport> Collections,
        IReadOnlyList<Alerts.SavedSearch> Searches, Digests.Subscriptions.MemberSubscription? Subscription);

    static async Task<ExportData> ReadAsync(Database database, User user, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        async Task<List<Dated>> Papers(string sql) =>
            (await c.QueryAsync<Paper, string, Dated>(new CommandDefinition(sql, new { user.Id }, cancellationToken: ct),
                (p, at) => new Dated(p, at), splitOn: "dated_at")).AsList();
        var library = await Papers("SELECT p.*, i.created_at AS dated_at FROM library_items i JOIN papers p ON p.id = i.paper_id WHERE i.user_id = @Id ORDER BY i.created_at, p.id");
        var upvotes = await Papers("SELECT p.*, v.created_at AS dated_at FROM votes v JOIN papers p ON p.id = v.paper_id WHERE v.user_id = @Id ORDER BY v.created_at, p.id");
        var collections = (await c.QueryAsync<CollectionExport>(new CommandDefinition(
            "SELECT id, name, is_public, created_at FROM collections WHERE user_id = @Id ORDER BY name", new { user.Id }, cancellationToken: ct))).AsList();
        var items = await c.QueryAsync<Paper, string, long, (Paper Paper, string At, long Collection)>(new CommandDefinition("""
            SELECT p.*, i.created_at AS dated_at, i.collection_id FROM collection_items i JOIN papers p ON p.id = i.paper_id
            JOIN collections k ON k.id = i.collection_id WHERE k.user_id = @Id ORDER BY i.created_at, p.id
            """, new { user.Id }, cancellationToken: ct), (p, at, k) => (p, at, k), splitOn: "dated_at,collection_id");
        var byId = collections.ToDictionary(k => k.Id);
        foreach (var (paper, at, k) in items) byId[k].Items.Add(new Dated(paper, at));
        var searches = (await c.QueryAsync<Alerts.SavedSearch>(new CommandDefinition(
            "SELECT * FROM saved_searches WHERE user_id = @Id ORDER BY created_at, id", new { user.Id }, cancellationToken: ct))).AsList();
        var subscription = await c.QuerySingleOrDefaultAsync<Digests.Subscriptions.MemberSubscription>(new CommandDefinition(
            "SELECT id, email, frequency, status, confirmed_at FROM subscriptions WHERE user_id = @Id ORDER BY id LIMIT 1", new { user.Id }, cancellationToken: ct));
        return new ExportData(user, library, upvotes, collections, searches, subscription);
    }

    static object AsJson(ExportData d, Uri site) => new
    {
        Format = "paperboy-export/1",
        ExportedAt = Clock.Timestamp(),
        Account = new { d.User.Name, d.User.Email, d.User.CreatedAt },
        Library = d.Library.Select(x => PaperJson(x, site, "saved_at")),
        Upvotes = d.Upvotes.Select(x => PaperJson(x, site, "upvoted_at")),
        Collections = d.Collections.Select(k => new
        {
            k.Id,
            k.Name,
            Public = k.IsPublic,
            k.CreatedAt,
            Url = new Uri(site, $"collections/{k.Id}").AbsoluteUri,
            Papers = k.Items.Select(x => PaperJson(x, site, "added_at")),
        }),
        SavedSearches = d.Searches.Select(s => new
        {
            s.Name,
            s.Query,
            s.Mode,
            s.Sort,
            From = s.DateFrom,
            To = s.DateTo,
            s.Category,
            s.Author,
            s.Delivery,
            s.CreatedAt,
            Url = new Uri(site, s.AsView().Href().TrimStart('/')).AbsoluteUri,
        }),
        Subscription = d.Subscription is { } sub ? new { sub.Email, sub.Frequency, sub.Status, sub.ConfirmedAt } : null,
    };

    static Dictionary<string, object?> PaperJson(Dated x, Uri site, string dateKey) => new()
    {
        ["id"] = x.Paper.Id,
        ["title"] = x.Paper.Title,
        ["authors"] = x.Paper.AuthorList,
        ["published"] = x.Paper.Published,
        ["url"] = Syndication.PaperLinks.For(site, x.Paper.Id).AbsoluteUri,
        [dateKey] = x.At,
    };

    static IResult Download(HttpContext http, byte[] body, string contentType, string fileName)
    {
        http.Response.Headers.CacheControl = "no-store";
        return Results.File(body, contentType, fileName);
    }

    static IResult SignIn() => Results.Redirect("/login?returnUrl=%2Fsettings%23export");

    /// <summary>Member names are [A-Za-z0-9_.-] already; this keeps a file name safe whatever they become.</summary>
    static string Slug(string name)
    {
        var s = new string(name.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').ToArray());
        return s.Length == 0 ? "member" : s;
    }
}

/// <summary>
/// BibTeX for a list of papers. Titles, abstracts and names are untrusted text: every character
/// BibTeX or LaTeX treats specially is written as a command, and braces become \textbraceleft{} /
/// \textbraceright{}, so a field's braces always balance (BibTeX counts even escaped ones).
/// </summary>
public static class BibTex
{
    public static string Write(IEnumerable<Paper> papers, Uri site)
    {
        var sb = new StringBuilder();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in papers)
        {
            var key = Key(p);
            // Two papers by the same first author, year and id digits cannot happen (ids are unique), but stay safe.
            for (var n = 2; !keys.Add(key); n++) key = Key(p) + "_" + n.ToString(CultureInfo.InvariantCulture);
            var arxiv = ArxivId.IsArxiv(p.Id);
            sb.Append(string.IsNullOrWhiteSpace(p.JournalRef) ? "@misc{" : "@article{").Append(key).Append(",\n");
            Field(sb, "title", "{" + Escape(p.Title) + "}");
            var authors = p.AuthorList.Select(a => Escape(a).Trim()).Where(a => a.Length > 0)
                // A name with " and " in it would split into two authors: keep it whole in braces.
                .Select(a => a.Contains(" and ", StringComparison.OrdinalIgnoreCase) ? "{" + a + "}" : a).ToList();
            if (authors.Count > 0) Field(sb, "author", string.Join(" and ", authors));
            if (p.PublishedDate is { } d)
            {
                Field(sb, "year", d.Year.ToString(CultureInfo.InvariantCulture));
                Field(sb, "month", d.Month.ToString(CultureInfo.InvariantCulture));
            }
            if (!string.IsNullOrWhiteSpace(p.JournalRef)) Field(sb, "journal", Escape(p.JournalRef));
            if (!string.IsNullOrWhiteSpace(p.Doi)) Field(sb, "doi", Escape(p.Doi));
            if (arxiv)
            {
                Field(sb, "eprint", Escape(p.Id));
                Field(sb, "archivePrefix", "arXiv");
                if (p.CategoryList.Count > 0 && p.CategoryList[0] is { Length: > 0 } primary) Field(sb, "primaryClass", Escape(primary));
            }
            Field(sb, "url", Escape(SafeUrl.Http(p.AbsLink) ?? Syndication.PaperLinks.For(site, p.Id).AbsoluteUri));
            if (!string.IsNullOrWhiteSpace(p.Abstract)) Field(sb, "abstract", Escape(p.Abstract));
            sb.Append("}\n\n");
        }
        return sb.ToString();
    }

    /// <summary>firstauthor + year + id, letters and digits only: the same paper always gets the same key.</summary>
    public static string Key(Paper p)
    {
        var first = p.AuthorList.Count > 0 ? p.AuthorList[0] : "";
        var last = first.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        var name = Ascii(last).ToLowerInvariant();
        var year = p.PublishedDate?.Year.ToString(CultureInfo.InvariantCulture) ?? "";
        var id = new string(p.Id.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        return (name.Length > 0 ? name : "paper") + year + "_" + id;
    }

    static string Ascii(string s)
    {
        var folded = s.Normalize(NormalizationForm.FormD);
        return new string(folded.Where(char.IsAsciiLetter).ToArray());
    }

    static void Field(StringBuilder sb, string name, string value) => sb.Append("  ").Append(name).Append(" = {").Append(value).Append("},\n");


    /// <summary>Untrusted text as a BibTeX field value: specials as commands, whitespace collapsed, no control characters.</summary>
    public static string Escape(string? text)
    {
        var clean = SafeText.Clean(text);
        var sb = new StringBuilder(clean.Length + 16);
        var space = false;
        foreach (var ch in clean)
        {
            if (char.IsWhiteSpace(ch) || char.IsControl(ch)) { space = sb.Length > 0; continue; }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(ch switch
            {
                '\\' => @"\textbackslash{}",
                '{' => @"\textbraceleft{}",
                '}' => @"\textbraceright{}",
                '%' => @"\%",
                '&' => @"\&",
                '$' => @"\$",
                '#' => @"\#",
                '_' => @"\_",
                '~' => @"\textasciitilde{}",
                '^' => @"\textasciicircum{}",
                // "@" starts an entry for some parsers when it follows a line break; inside a braced value it is harmless, but be plain.
                '@' => "{@}",
                _ => ch.ToString(),
            });
        }
        return sb.ToString();
    }
}
