using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Members;
using Paperboy.Search;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Recommendations;

/// <summary>
/// One instance with the 1,517 real Hugging Face daily papers (their newest month is the candidates
/// /for-you draws from) and two papers with hostile titles, the search index ready. Each test makes its
/// own members, so tests share the instance without sharing state.
/// </summary>
public sealed class RecommendationInstance : IAsyncLifetime, IDisposable
{
    /// <summary>Old (2024) video-generation papers a member saves: the topic their picks should follow.</summary>
    public static readonly string[] VideoPapers = ["2406.01493", "2406.00908", "2406.02230", "2406.02511", "2406.02509", "2406.03215"];
    public const string HostileTitle = "Video diffusion <script>alert(1)</script><img src=x onerror=alert(2)> for generation";
    public const string HostileSaved = "2406.99001";
    public const string HostileCandidate = "2511.99002";

    readonly TempDir _fixtures = new();
    public TestInstance App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var hostile = _fixtures.Write("hostile.jsonl", string.Join('\n',
            $$"""{"id":"{{HostileSaved}}","title":{{JsonSerializer.Serialize(HostileTitle)}},"abstract":"We generate temporally consistent video with a diffusion model and camera control.","authors":["Eve <b>Mallory</b>"],"published":"2024-06-05"}""",
            $$"""{"id":"{{HostileCandidate}}","title":{{JsonSerializer.Serialize(HostileTitle + " 2")}},"abstract":"Text-to-video generation with video diffusion priors, temporally consistent frames and camera motion.","authors":["Eve <b>Mallory</b>"],"published":"2025-11-25"}""") + "\n");
        App = await TestInstance.StartAsync([.. SharedData.Files("hf-daily-papers", "*.json"), hostile]);
        Assert.True(await App.Services.GetRequiredService<SearchIndex>().WaitReadyAsync(TimeSpan.FromMinutes(2), CancellationToken.None));
        // The indexer builds at start; wait until it has caught up with everything imported.
        await App.Services.GetRequiredService<SearchIndex>().CatchUpAsync();
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    public void Dispose() => _fixtures.Dispose();

    /// <summary>A member through the real store, with an API client acting as them by bearer token.</summary>
    public async Task<(User User, HttpClient Api)> MemberAsync()
    {
        var email = $"m{Guid.NewGuid():N}@example.org";
        var members = App.Services.GetRequiredService<MemberStore>();
        var (user, error) = await members.CreateAsync(email, null, "correct horse battery", false);
        Assert.True(user is not null, error);
        var token = await members.CreateTokenAsync(user!, "test");
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = App.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (user!, client);
    }

    /// <summary>A signed-in browser session (cookies, no JavaScript) for the same kind of fresh member.</summary>
    public async Task<(User User, HttpClient Api, Browser Browser)> SignedInAsync()
    {
        var (user, api) = await MemberAsync();
        var cookies = new CookieContainer();
        var browser = new Browser(new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = App.BaseAddress }, cookies);
        var response = await browser.SignInAsync(user.Email);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return (user, api, browser);
    }

    public static async Task SaveAsync(HttpClient api, params string[] ids)
    {
        foreach (var id in ids)
        {
            var response = await api.PostAsync($"/api/library/papers/{id}", null);
            Assert.True(response.IsSuccessStatusCode, $"save {id}: {(int)response.StatusCode}");
        }
    }

    public static async Task<List<JsonElement>> RecommendationsAsync(HttpClient api, int limit = 30)
    {
        var response = await api.GetAsync($"/api/recommendations?limit={limit}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<List<JsonElement>>())!;
    }

    public static string Id(JsonElement item) => item.GetProperty("paper").GetProperty("id").GetString()!;
    public static string Title(JsonElement item) => item.GetProperty("title").GetString()!;
}
