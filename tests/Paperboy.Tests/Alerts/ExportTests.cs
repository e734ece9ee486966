using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Paperboy.Members;
using Paperboy.Tests.Community;

namespace Paperboy.Tests.Alerts;

/// <summary>/settings/export.json and .bib: a member's own data, as downloads, with untrusted titles made safe for BibTeX.</summary>
public sealed partial class ExportTests
{
    const string HostileTitle = @"Breaking {BibTeX}} \end{document} 100% & $x^2$ #1 _under_ ~tilde @misc{evil, title={x}";

    [Fact]
    public async Task AMembersExportHoldsTheirAccountLibraryUpvotesCollectionsSearchesAndNothingOfOthers()
    {
        await using var app = await CommunityApp.StartAsync();
        var browser = app.NewBrowser();
        await browser.RegisterAsync("ada@example.com", "ada");
        var token = await app.Members.CreateTokenAsync((await app.Members.SignInAsync("ada@example.com", "correct horse battery")).User!, "export");
        var ada = app.BearerClient(token);
        var (_, bob, _) = await app.MemberAsync("bob@example.com");
        Assert.Equal(HttpStatusCode.OK, (await ada.PostAsync($"/api/library/papers/{CommunityApp.Paper}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ada.PostAsync($"/api/papers/{CommunityApp.OldStylePaper}/upvote", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.PostAsync($"/api/papers/{CommunityApp.OtherPaper}/upvote", null)).StatusCode);
        var created = await ada.PostAsJsonAsync("/api/collections", new { name = "SSMs", @public = false });
        using (var doc = JsonDocument.Parse(await created.Content.ReadAsStringAsync()))
            await ada.PostAsJsonAsync($"/api/collections/{doc.RootElement.GetProperty("id").GetInt64()}/papers", new { paper_id = CommunityApp.Paper });
        await AlertTestApp.SaveSearchFromAsync(app.App, browser, "/settings", "state space", ("author", "Tri Dao"));

        var response = await browser.Client.GetAsync("/settings/export.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("paperboy-ada.json", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        using var export = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = export.RootElement;
        Assert.Equal("ada", root.GetProperty("account").GetProperty("name").GetString());
        Assert.Equal("ada@example.com", root.GetProperty("account").GetProperty("email").GetString());
        Assert.Equal([CommunityApp.Paper], root.GetProperty("library").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToArray());
        Assert.Equal([CommunityApp.OldStylePaper], root.GetProperty("upvotes").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToArray());
        var collection = Assert.Single(root.GetProperty("collections").EnumerateArray());
        Assert.Equal("SSMs", collection.GetProperty("name").GetString());
        Assert.False(collection.GetProperty("public").GetBoolean());
        Assert.Equal(CommunityApp.Paper, Assert.Single(collection.GetProperty("papers").EnumerateArray()).GetProperty("id").GetString());
        var search = Assert.Single(root.GetProperty("saved_searches").EnumerateArray());
        Assert.Equal(("state space", "Tri Dao", "digest"), (search.GetProperty("query").GetString(), search.GetProperty("author").GetString(), search.GetProperty("delivery").GetString()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("subscription").ValueKind);

        // Readers without an account are sent to sign in; nobody gets anyone's data.
        var anonymous = await app.Anonymous.GetAsync("/settings/export.json");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/login", anonymous.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var bobs = JsonDocument.Parse(await bob.GetStringAsync("/settings/export.json"));
        Assert.Equal([CommunityApp.OtherPaper], bobs.RootElement.GetProperty("upvotes").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToArray());
        Assert.Empty(bobs.RootElement.GetProperty("collections").EnumerateArray());
    }

    [Fact]
    public async Task TheBibTeXExportParsesWithOneEntryPerPaperEvenWithAHostileTitle()
    {
        await using var app = await CommunityApp.StartAsync();
        using var fixtures = new Infrastructure.TempDir();
        var hostile = new { id = "2511.09999", title = HostileTitle, @abstract = "Also {unbalanced and \\ backslashed }} text.", authors = new[] { "Zoë {Brace", "Smith and Wesson" }, published = "2025-11-02", categories = new[] { "cs.CL" } };
        var other = new { id = "lab-7", title = "A non-arXiv paper", authors = new[] { "Ann Other" }, published = "2024-01-01" };
        await app.App.ImportAsync(fixtures.Write("more.jsonl", JsonSerializer.Serialize(hostile) + "\n" + JsonSerializer.Serialize(other) + "\n"));
        var (_, ada, _) = await app.MemberAsync("ada@example.com");
        foreach (var id in new[] { "2511.09999", "lab-7", CommunityApp.OldStylePaper })
            Assert.Equal(HttpStatusCode.OK, (await ada.PostAsync($"/api/library/papers/{id}", null)).StatusCode);
        // Saved and upvoted: still one entry.
        Assert.Equal(HttpStatusCode.OK, (await ada.PostAsync("/api/papers/2511.09999/upvote", null)).StatusCode);

        var response = await ada.GetAsync("/settings/export.bib");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var bib = await response.Content.ReadAsStringAsync();

        var entries = ParseBibTex(bib);
        Assert.Equal(3, entries.Count);
        var entry = entries.Single(e => e.Fields.GetValueOrDefault("eprint") == "2511.09999");
        Assert.Equal("misc", entry.Type);
        Assert.Equal("brace2025_2511_09999", entry.Key);
        Assert.Equal("arXiv", entry.Fields["archivePrefix"]);
        Assert.Equal("cs.CL", entry.Fields["primaryClass"]);
        Assert.Equal("Zoë \\textbraceleft{}Brace and {Smith and Wesson}", entry.Fields["author"]);
        Assert.Equal(
            @"{Breaking \textbraceleft{}BibTeX\textbraceright{}\textbraceright{} \textbackslash{}end\textbraceleft{}document\textbraceright{} 100\% \& \$x\textasciicircum{}2\$ \#1 \_under\_ \textasciitilde{}tilde {@}misc\textbraceleft{}evil, title=\textbraceleft{}x\textbraceright{}}",
            entry.Fields["title"]);
        Assert.Equal("https://arxiv.org/abs/2511.09999", entry.Fields["url"]);
        var local = entries.Single(e => e.Key == "other2024_lab_7");
        Assert.False(local.Fields.ContainsKey("eprint"));
        Assert.StartsWith("http://127.0.0.1:", local.Fields["url"], StringComparison.Ordinal);
        Assert.Equal("hep-th/9901001", entries.Single(e => e.Key == "maldacena1999_hep_th_9901001").Fields["eprint"]);
    }

    sealed record BibEntry(string Type, string Key, Dictionary<string, string> Fields);

    /// <summary>
    /// A strict reader of the BibTeX we write: @type{key, then name = {value} fields whose braces must
    /// balance (as BibTeX counts them, escaped or not), then a closing brace. Throws on anything else.
    /// </summary>
    static List<BibEntry> ParseBibTex(string bib)
    {
        var entries = new List<BibEntry>();
        var i = 0;
        while (true)
        {
            while (i < bib.Length && char.IsWhiteSpace(bib[i])) i++;
            if (i == bib.Length) return entries;
            var head = EntryHead().Match(bib, i);
            Assert.True(head.Success && head.Index == i, $"expected an entry at {i}: {bib[i..Math.Min(bib.Length, i + 60)]}");
            i += head.Length;
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            while (true)
            {
                while (char.IsWhiteSpace(bib[i])) i++;
                if (bib[i] == '}') { i++; break; }
                var name = FieldHead().Match(bib, i);
                Assert.True(name.Success && name.Index == i, $"expected a field at {i}: {bib[i..Math.Min(bib.Length, i + 60)]}");
                i += name.Length;
                var start = i + 1;
                var depth = 0;
                do
                {
                    if (bib[i] == '{') depth++;
                    else if (bib[i] == '}') depth--;
                    i++;
                    Assert.True(i < bib.Length, "unbalanced braces: the file ended inside a field");
                } while (depth > 0);
                Assert.True(fields.TryAdd(name.Groups[1].Value, bib[start..(i - 1)]), "a field twice");
                Assert.Equal(',', bib[i++]);
            }
            entries.Add(new BibEntry(head.Groups[1].Value, head.Groups[2].Value, fields));
        }
    }

    [GeneratedRegex(@"@(article|misc)\{([A-Za-z0-9_]+),")]
    private static partial Regex EntryHead();

    [GeneratedRegex(@"([A-Za-z]+) = (?=\{)")]
    private static partial Regex FieldHead();
}
