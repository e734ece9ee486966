using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Members;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Community;

/// <summary>
/// A running instance with a few papers (one featured today with 3 source upvotes, an old-style id,
/// a hidden-able one), and helpers to act as members: by API token or by a real browser session.
/// </summary>
public sealed partial class CommunityApp : IAsyncDisposable
{
    public const string Paper = "2405.21060";
    public const string OldStylePaper = "hep-th/9901001";
    public const string OtherPaper = "2501.00001";
    /// <summary>In the catalog, published today, on no day's list yet: what a member would submit.</summary>
    public const string FreshPaper = "2611.00042";

    readonly TempDir _fixtures = new();
    public TestInstance App { get; private set; } = null!;
    public HttpClient Anonymous => App.Client;

    /// <param name="configure">Replaces services before the app is built (e.g. <see cref="Digests.DigestTestApp.Mailing"/>).</param>
    public static async Task<CommunityApp> StartAsync(Dictionary<string, string?>? settings = null, string? engine = null,
        Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null)
    {
        var community = new CommunityApp();
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var papers = community._fixtures.Write("papers.jsonl", string.Join('\n',
            $$"""{"id":"{{Paper}}","title":"Transformers are SSMs","abstract":"State space duality.","authors":["Tri Dao","Albert Gu"],"published":"2024-05-31","daily_date":"{{today}}","upvotes":3}""",
            $$"""{"id":"{{OldStylePaper}}","title":"The Large N Limit","authors":["Juan Maldacena"],"published":"1999-01-04","daily_date":"{{today}}"}""",
            $$"""{"id":"{{OtherPaper}}","title":"Another paper","authors":["Ada Lovelace"],"published":"2025-01-01","daily_date":"{{today}}"}""",
            $$"""{"id":"{{FreshPaper}}","title":"A fresh paper","authors":["Grace Hopper"],"published":"{{today}}"}""") + "\n");
        settings ??= [];
        community.App = await TestInstance.StartWithAsync(engine ?? TestInstance.DefaultEngine, builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            configure?.Invoke(builder);
        }, papers);
        return community;
    }

    public MemberStore Members => App.Services.GetRequiredService<MemberStore>();

    /// <summary>Creates a member through the real store and returns an API client acting as them.</summary>
    public async Task<(User User, HttpClient Client, string Token)> MemberAsync(string email, bool admin = false)
    {
        var (user, error) = await Members.CreateAsync(email, null, "correct horse battery", admin);
        Assert.True(user is not null, error);
        var token = await Members.CreateTokenAsync(user!, "test");
        return (user!, BearerClient(token), token);
    }

    /// <summary>
    /// A member whose address is confirmed, as <c>paperboy users create</c> or a followed confirmation link makes
    /// them: private papers are shown to no one else. The user returned says so (<see cref="User.EmailVerified"/>).
    /// </summary>
    public async Task<(User User, HttpClient Client, string Token)> ConfirmedMemberAsync(string email, bool admin = false)
    {
        var (user, client, token) = await MemberAsync(email, admin);
        Assert.True(await Members.MarkEmailVerifiedAsync(user.Id, user.Email));
        return ((await Members.GetAsync(user.Id))!, client, token);
    }

    public HttpClient BearerClient(string token)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = App.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _clients.Add(client);
        return client;
    }

    readonly List<HttpClient> _clients = [];

    /// <summary>A browser without JavaScript: keeps cookies, follows no redirects, reads tokens from the pages it gets.</summary>
    public Browser NewBrowser()
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = App.BaseAddress };
        _clients.Add(client);
        return new Browser(client, cookies);
    }

    public async Task<long> UpvotesAsync(string id)
    {
        using var doc = JsonDocument.Parse(await Anonymous.GetStringAsync($"/api/papers/{id}"));
        return doc.RootElement.GetProperty("upvotes").GetInt64();
    }

    public async Task<long> NumCommentsAsync(string id)
    {
        using var doc = JsonDocument.Parse(await Anonymous.GetStringAsync($"/api/papers/{id}"));
        return doc.RootElement.GetProperty("numComments").GetInt64();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _clients) c.Dispose();
        await App.DisposeAsync();
        _fixtures.Dispose();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"(?<t>[^\"]+)\"")]
    internal static partial Regex TokenField();
}

public sealed class Browser(HttpClient client, CookieContainer cookies)
{
    public HttpClient Client => client;
    public CookieContainer Cookies => cookies;

    /// <summary>GETs a page and returns its HTML and the antiforgery token of its first form.</summary>
    public async Task<(string Html, string? Token)> PageAsync(string path)
    {
        var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode}\n{html}");
        var m = CommunityApp.TokenField().Match(html);
        return (html, m.Success ? WebUtility.HtmlDecode(m.Groups["t"].Value) : null);
    }

    /// <summary>Posts a form the way a browser does, with the token of the page the form is on.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string page, string action, params (string Name, string Value)[] fields)
    {
        var (_, token) = await PageAsync(page);
        Assert.NotNull(token);
        var form = fields.Append(("__RequestVerificationToken", token!)).Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2));
        return await client.PostAsync(action, new FormUrlEncodedContent(form));
    }

    public async Task RegisterAsync(string email, string name, string password = "correct horse battery")
    {
        var response = await SubmitAsync("/register", "/register", ("email", email), ("name", name), ("password", password));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
    }

    public async Task<HttpResponseMessage> SignInAsync(string email, string password = "correct horse battery") =>
        await SubmitAsync("/login", "/login", ("email", email), ("password", password));

    /// <summary>The token a page's script would send in the X-CSRF-TOKEN header.</summary>
    public async Task<string> CsrfTokenAsync() => (await PageAsync("/settings")).Token!;
}
