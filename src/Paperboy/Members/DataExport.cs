using System.Globalization;
using System.Text;
using System.Text.Json;
using Paperboy.Feed;
using Paperboy.Papers;
using Paperboy.Storage;
using Paperboy.Syndication;
using Paperboy.Web;

namespace Paperboy.Members;

/// <summary>
/// <c>/settings/export.json</c> and <c>/settings/export.bib</c>: everything a member keeps here, as a
/// download. Only the signed-in member's own rows are read, each feature's by that feature (<see cref="IExportPart"/>).
/// </summary>
public static class DataExport
{
    public static IEndpointRouteBuilder MapDataExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/settings/export.json", async (HttpContext http, SiteUrl site, IEnumerable<IExportPart> parts, TimeProvider time) =>
        {
            if (await http.CurrentMemberAsync() is not { Blocked: false } user) return SignIn();
            var json = new Dictionary<string, object?>
            {
                ["format"] = "paperboy-export/1",
                ["exported_at"] = StoredTime.Format(time.GetUtcNow()),
                ["account"] = new { user.Name, user.Email, user.CreatedAt },
            };
            foreach (var (part, exported) in await ReadAsync(parts, user, site.For(http.Request), http.RequestAborted)) json[part.Name] = exported.Json;
            var body = JsonSerializer.SerializeToUtf8Bytes(json, JsonOptions);
            return Download(http, body, "application/json", $"paperboy-{Slug(user.Name)}.json");
        });
        app.MapGet("/settings/export.bib", async (HttpContext http, SiteUrl site, IEnumerable<IExportPart> parts, TimeProvider time) =>
        {
            if (await http.CurrentMemberAsync() is not { Blocked: false } user) return SignIn();
            var baseUri = site.For(http.Request);
            var papers = (await ReadAsync(parts, user, baseUri, http.RequestAborted)).SelectMany(p => p.Exported.Papers).DistinctBy(p => p.Id).ToList();
            var body = Encoding.UTF8.GetBytes(BibTex.Write(papers, baseUri));
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

    /// <summary>Every feature's part, in order; one after the other, so an export holds one connection at a time.</summary>
    static async Task<List<(IExportPart Part, ExportedPart Exported)>> ReadAsync(IEnumerable<IExportPart> parts, User user, Uri site, CancellationToken ct)
    {
        var read = new List<(IExportPart, ExportedPart)>();
        foreach (var part in parts.OrderBy(p => p.Order)) read.Add((part, await part.ExportAsync(user, site, ct)));
        return read;
    }

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
