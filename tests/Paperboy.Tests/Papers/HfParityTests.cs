using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Papers;

/// <summary>
/// The 84 real Hugging Face daily files, plus 200 arXiv papers that were never on the daily list and one
/// paper with hostile text: the site a huggingface.co client meets after changing its base URL.
/// </summary>
public sealed class HfParityInstance : IAsyncLifetime, IDisposable
{
    public TestInstance App { get; private set; } = null!;
    readonly TempDir _dir = new();

    public async Task InitializeAsync()
    {
        var hostile = _dir.Write("hostile.jsonl", JsonSerializer.Serialize(new
        {
            id = "src-hostile-1",
            title = "# <script>alert(1)</script> [click](javascript:alert(1)) *bold*",
            @abstract = "1. not a list\n<img src=x onerror=alert(1)> ![x](http://evil.example/x.png)",
            authors = new[] { "Eve [Mallory](javascript:x)" },
            published = "2025-11-01",
            code_url = "javascript:alert(1)",
        }) + "\n");
        App = await TestInstance.StartAsync([.. SharedData.Files("hf-daily-papers", "*.json"),
            SharedData.Path("arxiv", "kaggle-snapshot", "arxiv-metadata-oai-snapshot.head200.jsonl"), hostile]);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    public void Dispose() => _dir.Dispose();
}

/// <summary>Issue #15's Hugging Face calls, compared with what huggingface.co recorded for the same papers.</summary>
public sealed class HfParityTests(HfParityInstance fixture) : IClassFixture<HfParityInstance>
{
    HttpClient Client => fixture.App.Client;

    /// <summary>Every item of the recorded 2025+ files: the paper objects huggingface.co sent.</summary>
    static readonly Lazy<List<JsonElement>> Recorded = new(() => SharedData.Files("hf-daily-papers", "2025-*.json")
        .SelectMany(f => JsonDocument.Parse(File.ReadAllBytes(f)).RootElement.EnumerateArray()).ToList());

    async Task<JsonElement> GetJsonAsync(string url)
    {
        var response = await Client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task SubmitterFiltersTheDailyListToThatAccountsPapersAcrossAllDays()
    {
        // What the recorded files say taesiri submitted (2025: paper.submittedOnDailyBy; the 2024 files name none).
        var expected = Recorded.Value.Where(i => i.GetProperty("paper").TryGetProperty("submittedOnDailyBy", out var by) && by.GetProperty("user").GetString() == "taesiri")
            .Select(i => i.GetProperty("paper").GetProperty("id").GetString()!).ToHashSet();
        Assert.InRange(expected.Count, 60, 1000);

        var seen = new List<string>();
        for (var page = 0; ; page++)
        {
            var items = await GetJsonAsync($"/api/daily_papers?submitter=TaeSiri&limit=100&p={page}");
            seen.AddRange(items.EnumerateArray().Select(i => i.GetProperty("paper").GetProperty("id").GetString()!));
            Assert.All(items.EnumerateArray(), i => Assert.Equal("taesiri", i.GetProperty("submittedBy").GetProperty("user").GetString()));
            if (items.GetArrayLength() < 100) break;
        }
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(expected.Order(), seen.Order());
    }

    [Fact]
    public async Task SubmitterWithADayKeepsToThatDayAndAnUnknownSubmitterGetsAnEmptyList()
    {
        var day = await GetJsonAsync("/api/daily_papers?date=2025-11-20&submitter=taesiri");
        var all = await GetJsonAsync("/api/daily_papers?date=2025-11-20");
        Assert.InRange(day.GetArrayLength(), 1, all.GetArrayLength() - 1);
        Assert.Contains("2511.15065", day.EnumerateArray().Select(i => i.GetProperty("paper").GetProperty("id").GetString()));
        Assert.Equal(0, (await GetJsonAsync("/api/daily_papers?submitter=nobody-by-this-name")).GetArrayLength());
    }

    [Fact]
    public async Task APaperFromTheDailyListCarriesHuggingFacesDailyFieldsWithTheirValuesAndTypes()
    {
        var checkedPapers = 0;
        // Every 8th recorded paper (150 of them), each compared with the object huggingface.co sent.
        foreach (var item in Recorded.Value.Where((_, i) => i % 8 == 0))
        {
            var recorded = item.GetProperty("paper");
            var id = recorded.GetProperty("id").GetString()!;
            var ours = await GetJsonAsync($"/api/papers/{id}");
            // The same time, submitter, discussion thread and media.
            Assert.Equal(recorded.GetProperty("discussionId").GetString(), ours.GetProperty("discussionId").GetString());
            Assert.Equal(recorded.GetProperty("submittedOnDailyBy").GetProperty("user").GetString(),
                ours.GetProperty("submittedOnDailyBy").GetProperty("user").GetString());
            Assert.Equal(recorded.GetProperty("submittedOnDailyAt").GetString(), ours.GetProperty("submittedOnDailyAt").GetString());
            if (recorded.TryGetProperty("mediaUrls", out var media))
                Assert.Equal(media.EnumerateArray().Select(u => u.GetString()), ours.GetProperty("mediaUrls").EnumerateArray().Select(u => u.GetString()));
            else Assert.False(ours.TryGetProperty("mediaUrls", out _));
            AssertSameShape(recorded, ours, id);
            checkedPapers++;
        }
        Assert.Equal(151, checkedPapers);
    }

    [Fact]
    public async Task ThePapersRecordedFieldValuesComeBackExactly()
    {
        var recorded = Recorded.Value.Single(i => i.GetProperty("paper").GetProperty("id").GetString() == "2511.15065").GetProperty("paper");
        var ours = await GetJsonAsync("/api/papers/2511.15065");
        Assert.Equal("2025-11-20T00:24:18.639Z", ours.GetProperty("submittedOnDailyAt").GetString());
        Assert.Equal(recorded.GetProperty("submittedOnDailyAt").GetString(), ours.GetProperty("submittedOnDailyAt").GetString());
        Assert.Equal("taesiri", ours.GetProperty("submittedOnDailyBy").GetProperty("fullname").GetString());
        Assert.Equal("691e828b3c64d32b036458ef", ours.GetProperty("discussionId").GetString());
        Assert.Equal(["https://cdn-uploads.huggingface.co/production/uploads/6039478ab3ecf716b1a5fd4d/syEvNY_b3iyJgYOQZ5cNg.png"],
            ours.GetProperty("mediaUrls").EnumerateArray().Select(u => u.GetString()!));
    }

    [Fact]
    public async Task APaperNeverOnTheDailyListHasNoDailyFields()
    {
        var ours = await GetJsonAsync("/api/papers/0704.0001");
        Assert.Equal("0704.0001", ours.GetProperty("id").GetString());
        foreach (var field in new[] { "submittedOnDailyAt", "submittedOnDailyBy", "mediaUrls", "discussionId" })
            Assert.False(ours.TryGetProperty(field, out _), field);
    }

    [Fact]
    public async Task TheCursorWalksEveryPaperOnceNewestFirstAndStopsWithoutANextLink()
    {
        var ids = new List<string>();
        var dates = new List<string>();
        string? url = "/api/papers?limit=100";
        var pages = 0;
        while (url is not null)
        {
            var response = await Client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.InRange(page.GetArrayLength(), 1, 100);
            foreach (var p in page.EnumerateArray())
            {
                ids.Add(p.GetProperty("id").GetString()!);
                dates.Add(p.TryGetProperty("publishedAt", out var at) && at.ValueKind == JsonValueKind.String ? at.GetString()! : "");
            }
            // huggingface_hub follows the Link header's rel="next" with an absolute URL.
            url = response.Headers.TryGetValues("Link", out var links) ? NextLink(links.Single()) : null;
            if (url is not null) Assert.StartsWith(fixture.App.BaseAddress.AbsoluteUri + "api/papers?cursor=", url, StringComparison.Ordinal);
            pages++;
        }
        Assert.Equal(ids.Count, ids.Distinct().Count());
        // 1,517 Hugging Face papers, the arXiv head of 200 (a few may be the same paper) and the hostile one.
        Assert.InRange(ids.Count, 1517 + 1, 1517 + 201);
        Assert.Contains("2511.15065", ids);
        Assert.Contains("0704.0001", ids);
        Assert.Equal((ids.Count + 99) / 100, pages);
        Assert.Equal(dates.OrderByDescending(d => d, StringComparer.Ordinal), dates);
    }

    [Fact]
    public async Task ListedPapersHaveTheSameShapeAsHuggingFacesPaperObjects()
    {
        var page = await GetJsonAsync("/api/papers?limit=100");
        var recorded = Recorded.Value.ToDictionary(i => i.GetProperty("paper").GetProperty("id").GetString()!, i => i.GetProperty("paper"));
        var compared = 0;
        foreach (var ours in page.EnumerateArray())
        {
            if (!recorded.TryGetValue(ours.GetProperty("id").GetString()!, out var theirs)) continue;
            AssertSameShape(theirs, ours, ours.GetProperty("id").GetString()!);
            Assert.True(ours.TryGetProperty("submittedOnDailyAt", out _));
            compared++;
        }
        Assert.True(compared > 10, $"only {compared} listed papers were recorded");
    }

    [Theory]
    [InlineData("/api/papers?limit=0")]
    [InlineData("/api/papers?limit=101")]
    [InlineData("/api/papers?limit=ten")]
    [InlineData("/api/papers?cursor=not-a-cursor")]
    [InlineData("/api/papers?cursor=MjAyNS0xMS0yMHw")] // "2025-11-20|": no id
    public async Task BadListParametersAreRefusedWithProblemJson(string url)
    {
        var response = await Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task APaperReadsAsMarkdownWithItsFactsAndAbstract()
    {
        var response = await Client.GetAsync("/papers/2511.15065.md");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        var md = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("# Reasoning via Video: The First Evaluation of Video Models' Reasoning Abilities", md, StringComparison.Ordinal);
        Assert.Contains("- **Authors:** Cheng Yang, Haiyuan Wan,", md, StringComparison.Ordinal);
        Assert.Contains("- **Code:** <https://github.com/ImYangC7/VR-Bench> (2 stars)", md, StringComparison.Ordinal);
        Assert.Contains("- **arXiv:** <https://arxiv.org/abs/2511.15065>", md, StringComparison.Ordinal);
        Assert.Contains("- **On the daily list:** 2025-11-20 (submitted by taesiri)", md, StringComparison.Ordinal);
        Assert.Contains("## Abstract\n\nVideo Models have achieved remarkable success", md, StringComparison.Ordinal);
        Assert.Contains("## AI summary\n\nVR\\-Bench evaluates".Replace("\\-", "-", StringComparison.Ordinal), md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileSourceTextInMarkdownStaysTextAndOnlyHttpLinksAreLinked()
    {
        var md = await (await Client.GetAsync("/papers/src-hostile-1.md")).Content.ReadAsStringAsync();
        Assert.StartsWith("# \\# \\<script\\>alert(1)\\</script\\> \\[click\\](javascript:alert(1)) \\*bold\\*\n", md, StringComparison.Ordinal);
        // Every "<" is escaped, except the autolinks of http(s) URLs the page itself makes.
        Assert.DoesNotMatch(@"(?<!\\)<(?!https?://)", md);
        Assert.Contains("\\<img src=x onerror=alert(1)\\>", md, StringComparison.Ordinal);
        Assert.DoesNotContain("](", md.Replace("\\](", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("**Code:**", md, StringComparison.Ordinal);
        Assert.Contains("\n1\\. not a list", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownPaperIsNotFoundAsMarkdownAndAsJson()
    {
        foreach (var url in new[] { "/papers/2999.99999.md", "/api/papers/2999.99999" })
        {
            var response = await Client.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    static string? NextLink(string header)
    {
        var match = System.Text.RegularExpressions.Regex.Match(header, "^<([^>]+)>; rel=\"next\"$");
        Assert.True(match.Success, header);
        return match.Groups[1].Value;
    }

    /// <summary>
    /// Each field we send that huggingface.co also sent has the same JSON type (a client that parses theirs
    /// parses ours), nested objects too; and the fields Hugging Face always sends on a daily paper are there.
    /// </summary>
    static void AssertSameShape(JsonElement theirs, JsonElement ours, string where)
    {
        foreach (var field in ours.EnumerateObject())
        {
            if (!theirs.TryGetProperty(field.Name, out var recorded) || field.Value.ValueKind == JsonValueKind.Null) continue;
            Assert.True(Kind(recorded) == Kind(field.Value), $"{where}.{field.Name}: ours {field.Value.ValueKind}, Hugging Face {recorded.ValueKind}");
            if (field.Value.ValueKind == JsonValueKind.Object) AssertSameShape(recorded, field.Value, $"{where}.{field.Name}");
            if (field.Value.ValueKind == JsonValueKind.Array && field.Value.GetArrayLength() > 0 && recorded.GetArrayLength() > 0)
            {
                Assert.Equal(Kind(recorded[0]), Kind(field.Value[0]));
                if (field.Value[0].ValueKind == JsonValueKind.Object) AssertSameShape(recorded[0], field.Value[0], $"{where}.{field.Name}[0]");
            }
        }
        foreach (var required in new[] { "id", "title", "summary", "authors", "publishedAt", "upvotes", "submittedOnDailyAt", "submittedOnDailyBy", "discussionId" })
            Assert.True(ours.TryGetProperty(required, out _) || !theirs.TryGetProperty(required, out _), $"{where}: no {required}");
    }

    static JsonValueKind Kind(JsonElement e) => e.ValueKind is JsonValueKind.True or JsonValueKind.False ? JsonValueKind.True : e.ValueKind;
}
