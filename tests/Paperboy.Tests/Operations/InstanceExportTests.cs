using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Groups;
using Paperboy.Members;
using Paperboy.Storage;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;
using Paperboy.Tests.Private;

namespace Paperboy.Tests.Operations;

/// <summary>
/// <c>paperboy export</c> and restoring it with <c>paperboy import</c>: a whole instance moves to the
/// other engine (SQLite → PostgreSQL by default; PostgreSQL → SQLite under PAPERBOY_TEST_ENGINE=postgres)
/// and back, and keeps working there.
/// </summary>
[RunsFor(18)]
public sealed class InstanceExportTests
{
    static string OtherEngine => TestInstance.DefaultEngine == "sqlite" ? "postgres" : "sqlite";

    [Fact]
    public async Task EveryTableOfTheSchemaIsExportedOrListedAsDeliberatelySkipped()
    {
        await using var app = await TestInstance.StartAsync();
        await using var c = await app.Database.OpenAsync();
        var tables = await app.Database.Dialect.TablesAsync(c, default);
        var accounted = InstanceExport.Tables.Concat(InstanceExport.Skipped.Keys).ToList();
        Assert.Equal(accounted.Count, accounted.Distinct().Count());
        // A table added by a migration and forgotten here would silently stay behind on a move.
        Assert.Empty(tables.Except(accounted));
        Assert.Empty(accounted.Except(tables));
    }

    [Fact]
    public async Task AWholeInstanceMovesToTheOtherEngineAndBackByteForByte()
    {
        await using var source = await CommunityApp.StartAsync();
        await source.App.ImportAsync(SharedData.Path("hf-daily-papers", "2025-11-20.json"));
        var (ada, adaApi, adaToken) = await source.ConfirmedMemberAsync("ada@example.com");
        var bob = source.NewBrowser();
        await bob.RegisterAsync("bob@example.com", "bob", "bobs own passphrase");
        var (_, carolApi, carolToken) = await source.ConfirmedMemberAsync("carol@example.com");
        Assert.Equal(HttpStatusCode.OK, (await adaApi.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await carolApi.PostAsync($"/api/papers/{CommunityApp.Paper}/upvote", null)).StatusCode);
        var first = await (await adaApi.PostAsJsonAsync($"/api/papers/{CommunityApp.Paper}/comments", new { body = "Nice *duality*." })).Content.ReadFromJsonAsync<JsonElement>();
        var reply = await carolApi.PostAsJsonAsync($"/api/papers/{CommunityApp.Paper}/comments", new { body = "Agreed.", parent_id = first.GetProperty("id").GetInt64() });
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await adaApi.PostAsync($"/api/library/papers/{CommunityApp.OtherPaper}", null)).StatusCode);
        var collection = await (await adaApi.PostAsJsonAsync("/api/collections", new { name = "State spaces", @public = true })).Content.ReadFromJsonAsync<JsonElement>();
        var collectionId = collection.GetProperty("id").GetInt64();
        Assert.True((await adaApi.PostAsJsonAsync($"/api/collections/{collectionId}/papers", new { paper_id = CommunityApp.Paper })).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await source.Anonymous.PostAsJsonAsync("/api/subscriptions", new { email = "reader@example.com", frequency = "daily" })).StatusCode);
        // A private paper of Ada's lab with its uploaded PDF (stored in the database): Carol, a confirmed member, is not in the lab.
        var (lab, _) = await source.App.Services.GetRequiredService<GroupStore>().CreateAsync("lab", "The Lab", null);
        Assert.True(await source.App.Services.GetRequiredService<GroupStore>().AddAsync(lab!, ada));
        var pdf = TestPdfs.Paper("Moving drafts between engines", "Bytes that must survive the move.");
        var draft = (await PrivateApp.CreateAsync(adaApi, PrivateApp.Form(pdf, fields: [("visibility", "group:lab")]))).GetProperty("id").GetString()!;
        Assert.Equal(pdf, await adaApi.GetByteArrayAsync($"/papers/{draft}/pdf"));
        await using (var c = await source.App.Database.OpenAsync())
            Assert.True(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox") > 0, "the subscription should have queued its confirmation");

        // The site records its start-up digest run a moment after it starts; exported before that, the other engine's site
        // would record its own and export one row more (seen on a loaded CI machine). Waited for, as a real move would be.
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            await using var c = await source.App.Database.OpenAsync();
            return await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM digest_runs WHERE kind = 'schedule'") > 0;
        }), "the site never recorded its scheduled digest run");

        using var dir = new TempDir();
        var exported = await PaperboyCli.RunAsync(source.App.DataDir, source.App.CliEnvironment, "export", "--output", dir.File("one.jsonl.gz"));
        Assert.True(exported.ExitCode == 0, exported.Stderr);
        Assert.Contains("papers ", exported.Stdout, StringComparison.Ordinal);

        CliResult? restored = null;
        await using var target = await TestInstance.StartAfterAsync(OtherEngine, async t =>
            restored = await PaperboyCli.RunAsync(t.DataDir, t.CliEnvironment, "import", dir.File("one.jsonl.gz")));
        Assert.True(restored!.ExitCode == 0, restored.Stderr);
        Assert.Matches(@"^imported \d+ new, 0 updated, 0 rejected in ", restored.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);

        // The other engine exports the very same bytes (apart from when), so nothing was lost or changed on the way.
        var again = await PaperboyCli.RunAsync(target.DataDir, target.CliEnvironment, "export", "--output", dir.File("two.jsonl"));
        Assert.True(again.ExitCode == 0, again.Stderr);
        var original = ReadLines(dir.File("one.jsonl.gz"));
        Assert.Equal(original.Skip(1), File.ReadLines(dir.File("two.jsonl")).Skip(1));

        // ... and back to the first engine, to stdout this time.
        CliResult? back = null;
        await using (var third = await TestInstance.StartAfterAsync(TestInstance.DefaultEngine, async t =>
            back = await PaperboyCli.RunAsync(t.DataDir, t.CliEnvironment, "import", "--format", "paperboy-export", dir.File("two.jsonl"))))
        {
            Assert.True(back!.ExitCode == 0, back.Stderr);
            var viaStdout = await PaperboyCli.RunAsync(third.DataDir, third.CliEnvironment, "export");
            Assert.Equal(0, viaStdout.ExitCode);
            Assert.Equal(original.Skip(1), viaStdout.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));
        }

        // The site on the other engine shows the same numbers.
        foreach (var id in new[] { CommunityApp.Paper, "2511.15065" })
            Assert.Equal(await source.Anonymous.GetStringAsync($"/api/papers/{id}"), await target.Client.GetStringAsync($"/api/papers/{id}"));
        Assert.Equal(
            (await PaperboyCli.RunAsync(source.App.DataDir, source.App.CliEnvironment, "stats", "--json")).Stdout,
            (await PaperboyCli.RunAsync(target.DataDir, target.CliEnvironment, "stats", "--json")).Stdout);
        var thread = await target.Client.GetFromJsonAsync<JsonElement>($"/api/papers/{CommunityApp.Paper}/comments");
        Assert.Equal(2, thread.GetArrayLength());
        Assert.Equal(first.GetProperty("id").GetInt64(), thread[1].GetProperty("parent_id").GetInt64());

        // Members keep their passwords and tokens; what they own is still theirs.
        var jar = new CookieContainer();
        using var bobThere = new HttpClient(new HttpClientHandler { CookieContainer = jar, AllowAutoRedirect = false }) { BaseAddress = target.BaseAddress };
        var signedIn = await new Browser(bobThere, jar).SignInAsync("bob@example.com", "bobs own passphrase");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var adaThere = new HttpClient { BaseAddress = target.BaseAddress };
        adaThere.DefaultRequestHeaders.Authorization = new("Bearer", adaToken);
        var library = await adaThere.GetFromJsonAsync<JsonElement>("/api/library");
        Assert.Equal(CommunityApp.OtherPaper, Assert.Single(library.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await adaThere.PostAsync($"/api/papers/{CommunityApp.OtherPaper}/upvote", null)).StatusCode);

        // The private paper moved with its PDF, byte for byte, and with who may see it: Ada gets the file, nobody else does.
        Assert.Equal(pdf, await adaThere.GetByteArrayAsync($"/papers/{draft}/pdf"));
        using var carolThere = new HttpClient { BaseAddress = target.BaseAddress };
        carolThere.DefaultRequestHeaders.Authorization = new("Bearer", carolToken);
        foreach (var (who, client) in new[] { ("anonymous", target.Client), ("carol", carolThere), ("bob", bobThere) })
        {
            Assert.True((await client.GetAsync($"/papers/{draft}/pdf")).StatusCode == HttpStatusCode.NotFound, $"{who} got the PDF");
            Assert.True((await client.GetAsync($"/papers/{draft}")).StatusCode == HttpStatusCode.NotFound, $"{who} got the page");
        }

        // New rows get fresh ids after the restored ones (PostgreSQL's identity sequences were moved on).
        var newComment = await adaThere.PostAsJsonAsync($"/api/papers/{CommunityApp.OtherPaper}/comments", new { body = "Written after the move." });
        Assert.Equal(HttpStatusCode.Created, newComment.StatusCode);
        var newId = (await newComment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Assert.True(newId > first.GetProperty("id").GetInt64() + 1, $"comment id {newId} reuses a restored one");
        var (dave, _) = await target.Services.GetRequiredService<MemberStore>().CreateAsync("dave@example.com", null, "correct horse battery", false);
        Assert.NotNull(dave);
        Assert.True(dave!.Id > ada.Id, $"member id {dave.Id} reuses a restored one");
        await using (var c = await target.Database.OpenAsync())
        {
            Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM subscriptions WHERE email = 'reader@example.com' AND status = 'pending'"));
            Assert.True(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'confirm'") == 1);
        }
    }

    [Fact]
    public async Task ATruncatedOrGarbledExportImportsNothingAndSaysWhere()
    {
        await using var source = await TestInstance.StartAsync(SharedData.Path("hf-daily-papers", "2025-11-20.json"));
        using var dir = new TempDir();
        Assert.Equal(0, (await PaperboyCli.RunAsync(source.DataDir, source.CliEnvironment, "export", "-o", dir.File("full.jsonl"))).ExitCode);
        var lines = File.ReadAllLines(dir.File("full.jsonl"));

        var cutAtALine = dir.File("cut.jsonl");
        File.WriteAllLines(cutAtALine, lines[..^1]);
        var garbled = dir.File("garbled.jsonl");
        File.WriteAllLines(garbled, lines.Select((l, i) => i == 40 ? l[..(l.Length / 2)] : l));
        var unknownColumn = dir.File("column.jsonl");
        File.WriteAllLines(unknownColumn, lines.Select((l, i) => i == 3 ? l.Replace("{\"table\":\"papers\",\"row\":{", "{\"table\":\"papers\",\"row\":{\"colour\":\"red\",", StringComparison.Ordinal) : l));
        var cutGzip = dir.File("cut.jsonl.gz");
        using (var buffer = new MemoryStream())
        {
            using (var gz = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
                gz.Write(File.ReadAllBytes(dir.File("full.jsonl")));
            File.WriteAllBytes(cutGzip, buffer.ToArray()[..(int)(buffer.Length * 2 / 3)]);
        }

        foreach (var (file, line, reason) in new[]
        {
            (cutAtALine, lines.Length, "truncated"),
            (garbled, 41, "not JSON"),
            (unknownColumn, 4, "no column 'colour'"),
            (cutGzip, -1, ""),
        })
        {
            CliResult? result = null;
            await using var target = await TestInstance.StartAfterAsync(OtherEngine, async t =>
                result = await PaperboyCli.RunAsync(t.DataDir, t.CliEnvironment, "import", file));
            Assert.True(result!.ExitCode == 2, $"{file}: {result.ExitCode}\n{result.Stderr}");
            Assert.StartsWith(line > 0 ? $"{file}:{line}: " : $"{file}:", result.Stderr, StringComparison.Ordinal);
            Assert.Contains(reason, result.Stderr, StringComparison.Ordinal);
            Assert.Contains("nothing was imported", result.Stderr, StringComparison.Ordinal);
            await using var c = await target.Database.OpenAsync();
            Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM papers"));
            Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM paper_authors"));
        }
    }

    [Fact]
    public async Task AnExportIsNotRestoredOverAnInstanceThatHasData()
    {
        await using var source = await CommunityApp.StartAsync();
        await source.MemberAsync("ada@example.com");
        using var dir = new TempDir();
        Assert.Equal(0, (await PaperboyCli.RunAsync(source.App.DataDir, source.App.CliEnvironment, "export", "-o", dir.File("x.jsonl"))).ExitCode);

        await using var busy = await TestInstance.StartAsync(SharedData.Path("hf-daily-papers", "2025-11-20.json"));
        var refused = await PaperboyCli.RunAsync(busy.DataDir, busy.CliEnvironment, "import", dir.File("x.jsonl"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("not empty", refused.Stderr, StringComparison.Ordinal);
        await using var c = await busy.Database.OpenAsync();
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users"));
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM papers WHERE id = @id", new { id = CommunityApp.Paper }));

        // Mixed with paper files it is refused before anything is read.
        var mixed = await PaperboyCli.RunAsync(busy.DataDir, busy.CliEnvironment, "import", dir.File("x.jsonl"), SharedData.Path("hf-daily-papers", "2025-11-21.json"));
        Assert.Equal(2, mixed.ExitCode);
        Assert.Contains("restored alone", mixed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportRefusesToWriteToAnUnwritablePlace()
    {
        using var dir = new TempDir();
        var result = await PaperboyCli.RunAsync(dir.File("data"), "export", "--output", dir.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is a directory", result.Stderr, StringComparison.Ordinal);

        // A folder that does not exist: one line naming it, not a .NET stack trace (exit 134). (Backup copies the
        // embedded database file, so it runs on SQLite whatever the pass's engine.)
        var missing = dir.File("nodir/x.jsonl.gz");
        var embedded = new Dictionary<string, string?> { ["PAPERBOY_DATABASE"] = null };
        Assert.Equal(0, (await PaperboyCli.RunAsync(dir.File("data"), embedded, "migrate")).ExitCode); // a database for backup to copy
        foreach (var command in new[] { new[] { "export", "--output", missing }, ["backup", "--output", missing] })
        {
            var refused = await PaperboyCli.RunAsync(dir.File("data"), command[0] == "backup" ? embedded : new Dictionary<string, string?>(), command);
            Assert.True(refused.ExitCode == 2, $"{command[0]}: exit {refused.ExitCode}\n{refused.Stderr}");
            Assert.Contains($"{missing}: no folder {dir.File("nodir")}", refused.Stderr, StringComparison.Ordinal);
        }
    }

    static List<string> ReadLines(string gz)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(gz), CompressionMode.Decompress));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }
}
