using System.Net;
using System.Net.Http.Json;
using Paperboy.Ingestion;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Private;

/// <summary>A private paper's discussion is readable by those who may see the paper; the importer never takes a local id.</summary>
public sealed class PrivateCommentsAndImportTests
{
    [Fact]
    public async Task ThoseWhoMaySeeAPrivatePaperReadItsCommentsAndNobodyElseDoes()
    {
        await using var app = await PrivateApp.StartAsync();
        var paper = await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(fields: [("title", "Our draft"), ("visibility", "group:lab")]));
        var id = paper.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await app.Ada.PostAsJsonAsync($"/api/papers/{id}/comments", new { body = "Section 3 needs a figure." })).StatusCode);

        var thread = await app.Ada.GetAsync($"/api/papers/{id}/comments");
        Assert.Equal(HttpStatusCode.OK, thread.StatusCode);
        Assert.Contains("Section 3 needs a figure.", await thread.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("no-store", thread.Headers.CacheControl!.ToString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await app.Bob.GetAsync($"/api/papers/{id}/comments")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Community.Anonymous.GetAsync($"/api/papers/{id}/comments")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Bob.PostAsJsonAsync($"/api/papers/{id}/comments", new { body = "Let me in." })).StatusCode);
    }

    [Fact]
    public async Task AnImportedRecordWithALocalIdIsRejectedAndTheRestIsKept()
    {
        using var dir = new TempDir();
        var file = dir.Write("papers.jsonl",
            """{"id":"local-abc123","title":"Pretending to be private","authors":["Eve"],"published":"2025-01-01"}""" + "\n" +
            """{"id":"2501.00002","title":"An honest paper","authors":["Ada"],"published":"2025-01-02"}""" + "\n");
        await using var app = await TestInstance.StartAsync();
        var errors = new StringWriter();
        var summary = await new Importer(app.Database).ImportAsync([file], null, errors);
        Assert.Equal(1, summary.New);
        Assert.Equal(1, summary.Rejected);
        Assert.Contains("papers.jsonl:1: id 'local-abc123' starts with 'local-'", errors.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/api/papers/local-abc123")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/api/papers/2501.00002")).StatusCode);
    }
}
