using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paperboy.Groups;
using Paperboy.Members;
using Paperboy.Tests.Community;

namespace Paperboy.Tests.Private;

/// <summary>
/// A community app with a group "lab" (Ada in it, Bob outside), both with confirmed addresses (private papers are
/// shown to no one else), and helpers to post private papers the way a client does: multipart/form-data to POST /api/papers/private.
/// </summary>
sealed class PrivateApp : IAsyncDisposable
{
    public static readonly Dictionary<string, string?> GenerousLimits = new()
    {
        ["Community:SignInsPerMinute"] = "1000",
        ["Community:VotesPerMinute"] = "1000",
        ["Community:CommentsPerMinute"] = "1000",
        ["Community:SubmissionsPerHour"] = "1000",
    };

    public CommunityApp Community { get; private set; } = null!;
    public HttpClient Ada { get; private set; } = null!;
    public HttpClient Bob { get; private set; } = null!;
    public User AdaUser { get; private set; } = null!;
    public Group Lab { get; private set; } = null!;

    /// <param name="configure">Replaces services before the app is built (e.g. <see cref="Digests.DigestTestApp.Mailing"/>).</param>
    public static async Task<PrivateApp> StartAsync(Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null)
    {
        var app = new PrivateApp { Community = await CommunityApp.StartAsync(GenerousLimits, configure: configure) };
        var (ada, adaClient, _) = await app.Community.ConfirmedMemberAsync("ada@example.com", admin: true);
        var (_, bobClient, _) = await app.Community.ConfirmedMemberAsync("bob@example.com");
        var groups = app.Community.App.Services.GetRequiredService<GroupStore>();
        var (lab, error) = await groups.CreateAsync("lab", "The Lab", null);
        Assert.True(lab is not null, error);
        Assert.True(await groups.AddAsync(lab!, ada));
        (app.Ada, app.Bob, app.AdaUser, app.Lab) = (adaClient, bobClient, ada, lab!);
        return app;
    }

    public static MultipartFormDataContent Form(byte[]? pdf = null, string fileName = "paper.pdf", params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        if (pdf is not null)
        {
            var file = new ByteArrayContent(pdf);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(file, "file", fileName);
        }
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    /// <summary>Posts a private paper and returns its JSON object; fails the test unless the answer is 201.</summary>
    public static async Task<JsonElement> CreateAsync(HttpClient client, MultipartFormDataContent form)
    {
        var response = await client.PostAsync("/api/papers/private", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async ValueTask DisposeAsync() => await Community.DisposeAsync();
}
