using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Digests;
using Paperboy.Harvest;
using Paperboy.Members;
using Paperboy.Moderation;
using Paperboy.Syndication;
using Paperboy.Tests.Community;
using Paperboy.Tests.Digests;
using Paperboy.Tests.Harvest;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Cluster;

/// <summary>
/// Two <c>paperboy serve</c> on one PostgreSQL behave as one site. These tests choose PostgreSQL
/// whatever <c>PAPERBOY_TEST_ENGINE</c> says: several instances need a database server (a SQLite
/// file lives in one instance's data dir).
/// </summary>
[Trait("Engine", "independent")] // always PostgreSQL: runs on the first pass only (.ci/run)
public sealed class TwoInstanceTests
{
    const string Paper = "2405.21060";

    static string Catalog(TempDir dir)
    {
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return dir.Write("papers.jsonl", string.Join('\n',
            $$"""{"id":"{{Paper}}","title":"Transformers are SSMs","abstract":"State space duality.","authors":["Tri Dao","Albert Gu"],"published":"2024-05-31","daily_date":"{{today}}","upvotes":3}""",
            $$"""{"id":"2501.00001","title":"Another paper","abstract":"Something else.","authors":["Ada Lovelace"],"published":"2025-01-01","daily_date":"{{today}}"}""") + "\n");
    }

    static async Task<long> UpvotesAsync(TestInstance app)
    {
        using var doc = JsonDocument.Parse(await app.Client.GetStringAsync($"/api/papers/{Paper}"));
        return doc.RootElement.GetProperty("upvotes").GetInt64();
    }

    [Fact]
    public async Task ASessionFormsVotesAndCommentsFromOneInstanceWorkAndShowOnTheOtherAtOnce()
    {
        using var dir = new TempDir();
        await using var a = await TestInstance.StartOnAsync("postgres", Catalog(dir));
        await using var b = await TestInstance.StartPeerAsync(a);
        // Every cache of B holds the old counts before anything changes.
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var path in new[] { $"/papers/{Paper}", $"/api/papers/{Paper}", $"/api/daily_papers?date={today}", "/", "/papers/trending" })
            Assert.True((await b.Client.GetAsync(path)).IsSuccessStatusCode, path);
        Assert.Contains("3 upvotes", await b.Client.GetStringAsync($"/papers/{Paper}"), StringComparison.Ordinal);

        // One browser: cookies belong to the host, so the session made on A rides along to B.
        var cookies = new CookieContainer();
        using var onA = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = a.BaseAddress };
        using var onB = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = b.BaseAddress };
        await new Browser(onA, cookies).RegisterAsync("ada@example.com", "ada");
        var settingsOnB = await onB.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.OK, settingsOnB.StatusCode); // not a redirect to /login: B reads A's session cookie
        Assert.Contains("ada@example.com", await settingsOnB.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A form rendered by A, posted to B: B accepts A's antiforgery token.
        var (_, tokenFromA) = await new Browser(onA, cookies).PageAsync("/settings");
        var vote = await onB.PostAsync($"/papers/{Paper}/upvote", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["upvoted"] = "true",
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = tokenFromA!,
        }));
        Assert.Equal(HttpStatusCode.Redirect, vote.StatusCode);
        Assert.Equal("/", vote.Headers.Location?.OriginalString);

        // A vote made on B is on A's pages and API at once, and on B's own cached ones.
        foreach (var app in new[] { a, b })
        {
            Assert.Equal(4, await UpvotesAsync(app));
            Assert.Contains("4 upvotes", await app.Client.GetStringAsync($"/papers/{Paper}"), StringComparison.Ordinal);
            var daily = await app.Client.GetFromJsonAsync<JsonElement>($"/api/daily_papers?date={today}");
            Assert.Equal(4, daily.EnumerateArray().Single(i => i.GetProperty("paper").GetProperty("id").GetString() == Paper)
                .GetProperty("paper").GetProperty("upvotes").GetInt32());
        }

        // The member's own state (what the cached pages are personalised with) on A shows the vote made on B.
        var state = await onA.GetFromJsonAsync<JsonElement>($"/api/me/state?ids={Paper},2501.00001");
        Assert.True(state.GetProperty("signed_in").GetBoolean());
        Assert.Equal([Paper], state.GetProperty("upvoted").EnumerateArray().Select(e => e.GetString()));

        // A comment through A's API shows on B's paper page and API.
        var member = await a.Services.GetRequiredService<MemberStore>().CreateAsync("bob@example.com", null, "correct horse battery", false);
        var token = await a.Services.GetRequiredService<MemberStore>().CreateTokenAsync(member.User!, "test");
        using var api = new HttpClient { BaseAddress = a.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync($"/api/papers/{Paper}/comments", new { body = "Seen from the other instance" })).StatusCode);
        Assert.Contains("Seen from the other instance", await b.Client.GetStringAsync($"/papers/{Paper}"), StringComparison.Ordinal);
        using var paper = JsonDocument.Parse(await b.Client.GetStringAsync($"/api/papers/{Paper}"));
        Assert.Equal(1, paper.RootElement.GetProperty("numComments").GetInt64());
    }

    [Fact]
    public async Task PapersImportedOrHiddenThroughOneInstanceChangeSearchOnBothWithinSeconds()
    {
        using var dir = new TempDir();
        await using var a = await TestInstance.StartOnAsync("postgres", Catalog(dir));
        await using var b = await TestInstance.StartPeerAsync(a);
        // Two papers in one import share their updated_at second: both must arrive.
        var file = dir.Write("new.jsonl", string.Join('\n',
            """{"id":"2503.99998","title":"Zymurgical retrieval, part one","abstract":"Zymurgical.","authors":["A. Brewer"],"published":"2025-03-01"}""",
            """{"id":"2503.99999","title":"Zymurgical retrieval, part two","abstract":"Zymurgical.","authors":["A. Brewer"],"published":"2025-03-01"}""") + "\n");
        await a.ImportAsync(file);
        foreach (var app in new[] { a, b })
            Assert.Equal(["2503.99998", "2503.99999"], await SearchUntilAsync(app, "zymurgical", ids => ids.Count == 2));

        var admin = await a.Services.GetRequiredService<MemberStore>().CreateAsync("admin@example.com", null, "correct horse battery", true);
        Assert.True(await a.Services.GetRequiredService<ModerationStore>().SetPaperHiddenAsync(admin.User!, "2503.99999", true));
        foreach (var app in new[] { b, a })
            Assert.Equal(["2503.99998"], await SearchUntilAsync(app, "zymurgical", ids => ids.Count == 1));
    }

    static Task<List<string>> SearchUntilAsync(TestInstance app, string query, Func<List<string>, bool> done) =>
        Eventually.ReturnsAsync(async () =>
        {
            var json = await app.Client.GetFromJsonAsync<JsonElement>($"/api/papers/search?q={query}&mode=keyword");
            return json.EnumerateArray().Select(i => i.GetProperty("paper").GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToList();
        }, done);

    [Fact]
    public async Task BothInstancesDigestSchedulersFireAndEachSubscriberGetsOneDigest()
    {
        await using var mail = await Maildev.StartAsync();
        await using var a = await DigestTestApp.StartAsync(DigestTestApp.Smtp(mail.SmtpPort), "postgres");
        var readers = Enumerable.Range(1, 4).Select(i => $"reader{i}@example.org").ToList();
        foreach (var r in readers) await DigestTestApp.ConfirmedSubscriberAsync(a, mail, r);

        // 00:00 has always passed, so each instance's scheduler runs today's digest as soon as it starts.
        var background = DigestTestApp.Smtp(mail.SmtpPort, background: true) with { DigestAt = new TimeOnly(0, 0), PollInterval = TimeSpan.FromMilliseconds(200) };
        void Configure(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder)
        {
            builder.Services.AddSingleton(background);
            builder.Services.AddSingleton(new SiteUrl(new Uri(DigestTestApp.PublicUrl)));
        }
        var b = await TestInstance.StartPeerAsync(a, Configure);
        var c = await TestInstance.StartPeerAsync(a, Configure);
        try
        {
            foreach (var r in readers) await mail.WaitForAsync(r, 2);
            // A confirmation asked through each instance is delivered by a poller that has made its start-up
            // run (or skipped it) first; stopping both then waits for any send still in progress.
            foreach (var (instance, marker) in new[] { (b, "marker-b@example.org"), (c, "marker-c@example.org") })
            {
                Assert.Equal(HttpStatusCode.Accepted, (await DigestTestApp.SubscribeAsync(instance, marker)).StatusCode);
                await mail.WaitForAsync(marker);
            }
        }
        finally
        {
            await b.DisposeAsync();
            await c.DisposeAsync();
        }
        foreach (var r in readers)
            Assert.Single(await mail.MessagesToAsync(r), m => m.GetProperty("subject").GetString()!.StartsWith("Paperboy daily", StringComparison.Ordinal));
        await using var db = await a.Database.OpenAsync();
        Assert.Equal(1L, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM digest_runs WHERE kind = 'schedule'"));
    }

    [Fact]
    public async Task BothInstancesHarvestSchedulersFireAndTheSourceIsAskedEachThingOnce()
    {
        await using var stub = await StubServer.StartAsync(context => HarvestFixtures.ServeHfDayAsync(context));
        using var dir = new TempDir();
        await using var a = await TestInstance.StartOnAsync("postgres", Catalog(dir));
        // A request retried after a timeout would be asked twice too: under a loaded CI machine three
        // instances start at once, so the timeout is long enough that only a second run could ask again.
        var settings = HarvestFixtures.Settings(stub.BaseUrl) with { Sources = ["hf"], Timeout = TimeSpan.FromSeconds(30) };
        void Configure(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) => builder.Services.AddSingleton(settings);
        var b = await TestInstance.StartPeerAsync(a, Configure);
        var c = await TestInstance.StartPeerAsync(a, Configure);
        var store = new HarvestStore(a.Database, TimeProvider.System);
        try
        {
            Assert.True(await Eventually.TrueAsync(async () => (await store.GetAsync("hf"))?.LastSuccessAt is not null, TimeSpan.FromSeconds(60)));
        }
        finally
        {
            // Both schedulers start their first pass at start-up, before the winner's run ends; stopping
            // them waits for a pass still running, so the request log below is final.
            await b.DisposeAsync();
            await c.DisposeAsync();
        }
        var requests = stub.Requests.Select(r => r.PathAndQuery).ToList();
        Assert.NotEmpty(requests);
        Assert.Equal(requests.Distinct().Count(), requests.Count);
    }
}

/// <summary>The core invariant of <c>bench/cluster.sh</c>, small enough for CI: votes raced through two instances are neither lost nor doubled.</summary>
[Trait("Engine", "independent")] // always PostgreSQL: runs on the first pass only (.ci/run)
public sealed class TwoInstanceVoteTests
{
    [Fact]
    public async Task MembersRacingVotesThroughBothInstancesLeaveExactCountsOnBoth()
    {
        await using var community = await CommunityApp.StartAsync(new() { ["Community:VotesPerMinute"] = "1000" }, "postgres");
        await using var b = await TestInstance.StartPeerAsync(community.App,
            builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Community:VotesPerMinute"] = "1000" }));
        const int members = 24;
        var papers = new[] { CommunityApp.Paper, CommunityApp.OtherPaper };
        var tokens = new List<string>();
        for (var i = 0; i < members; i++) tokens.Add((await community.MemberAsync($"m{i}@example.com")).Token);
        var onA = tokens.Select(community.BearerClient).ToList();
        var onB = tokens.Select(t =>
        {
            var client = new HttpClient { BaseAddress = b.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", t);
            return client;
        }).ToList();

        // Every member votes and takes it back on both papers through both instances at once.
        var race = Enumerable.Range(0, members).SelectMany(m => papers.SelectMany(p => new[]
        {
            onA[m].PostAsync($"/api/papers/{p}/upvote", null), onB[m].PostAsync($"/api/papers/{p}/upvote", null),
            onA[m].DeleteAsync($"/api/papers/{p}/upvote"), onB[m].DeleteAsync($"/api/papers/{p}/upvote"),
        })).ToList();
        Assert.All(await Task.WhenAll(race), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        // Then a known final vote: member m upvotes paper j when (m + j) is even, through either instance.
        var final = Enumerable.Range(0, members).SelectMany(m => papers.Select((p, j) =>
        {
            var client = (m + j) % 3 == 0 ? onA[m] : onB[m];
            return (m + j) % 2 == 0 ? client.PostAsync($"/api/papers/{p}/upvote", null) : client.DeleteAsync($"/api/papers/{p}/upvote");
        })).ToList();
        Assert.All(await Task.WhenAll(final), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        await using var c = await community.App.Database.OpenAsync();
        var source = new Dictionary<string, long> { [CommunityApp.Paper] = 3, [CommunityApp.OtherPaper] = 0 };
        for (var j = 0; j < papers.Length; j++)
        {
            var expected = Enumerable.Range(0, members).Count(m => (m + j) % 2 == 0);
            Assert.Equal(expected, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM votes WHERE paper_id = @id", new { id = papers[j] }));
            foreach (var app in new[] { community.App, b })
            {
                using var json = JsonDocument.Parse(await app.Client.GetStringAsync($"/api/papers/{papers[j]}"));
                Assert.Equal(source[papers[j]] + expected, json.RootElement.GetProperty("upvotes").GetInt64());
            }
        }
        foreach (var client in onB) client.Dispose();
    }
}

/// <summary>The limits that guard accounts and inboxes hold across instances: they are counted in the database.</summary>
[Trait("Engine", "independent")] // always PostgreSQL: runs on the first pass only (.ci/run)
public sealed class TwoInstanceLimitTests
{
    [Fact]
    public async Task FailedSignInsOnBothInstancesAddUpToOneLockout()
    {
        await using var community = await CommunityApp.StartAsync(engine: "postgres");
        await using var b = await TestInstance.StartPeerAsync(community.App);
        await community.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", false);
        using var onB = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = b.BaseAddress };
        var browsers = new[] { community.NewBrowser(), new Browser(onB, new CookieContainer()) };
        // Five wrong passwords, alternating instances: each instance saw fewer than five.
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await browsers[i % 2].SignInAsync("ada@example.com", "wrong password " + i)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await community.NewBrowser().SignInAsync("ada@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await new Browser(onB, new CookieContainer()).SignInAsync("ada@example.com")).StatusCode);
    }

    [Fact]
    public async Task ResetRequestsThroughBothInstancesMailTheMemberOnce()
    {
        await using var mail = await Maildev.StartAsync();
        // No background sender: the test delivers once every request has been answered.
        var mailing = DigestTestApp.Mailing(DigestTestApp.Smtp(mail.SmtpPort));
        await using var community = await CommunityApp.StartAsync(engine: "postgres", configure: mailing);
        await using var b = await TestInstance.StartPeerAsync(community.App, mailing);
        await community.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", false);
        var onA = community.NewBrowser();
        var onB = new Browser(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = b.BaseAddress }, new CookieContainer());

        foreach (var browser in new[] { onA, onB, onA, onB })
            Assert.Equal(HttpStatusCode.OK, (await browser.SubmitAsync("/forgot", "/forgot", ("email", "ada@example.com"))).StatusCode);

        Assert.Single(await DigestTestApp.OutboxAsync(community.App), r => r.Kind == "reset");
        Assert.Equal(1, (await b.Services.GetRequiredService<OutboxSender>().DeliverAsync()).Sent);
        Assert.Single(await mail.MessagesToAsync("ada@example.com"));
    }
}
