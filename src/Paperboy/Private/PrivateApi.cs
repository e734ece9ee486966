using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Paperboy.Feed;
using Paperboy.Groups;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Web;

namespace Paperboy.Private;

/// <summary>
/// Private papers (SPEC §10): <c>POST /api/papers/private</c>, the upload form <c>/papers/private/new</c>,
/// and the local paper's page, API object, PDF and "now on arXiv" link. A local id has its own routes
/// (<c>/papers/local-{code}</c> outranks <c>/papers/{id}</c>), so the public routes never see one.
/// </summary>
public static class PrivateApi
{
    /// <summary>The form's fields besides the file are a few KB; the rest of the request may be the PDF.</summary>
    const long MaxRequestBytes = PdfText.MaxUploadBytes + 1024 * 1024;

    public static IServiceCollection AddPrivatePapers(this IServiceCollection services)
    {
        services.AddSingleton<PrivatePaperStore>();
        services.AddSingleton<GroupStore>();
        return services;
    }

    public static IEndpointRouteBuilder MapPrivatePapers(this IEndpointRouteBuilder app)
    {
        // Kestrel refuses a body over the limit as it arrives (a Content-Length over it before reading a byte).
        var limits = new object[] { new RequestSizeLimitAttribute(MaxRequestBytes), new RequestFormLimitsAttribute { MultipartBodyLengthLimit = MaxRequestBytes } };
        app.MapPost("/api/papers/private", CreateJsonAsync).MemberWrite(RateLimits.Submissions).WithMetadata(limits);
        app.MapPost("/api/papers/private/preview", (Delegate)PreviewAsync).MemberWrite(RateLimits.Submissions).WithMetadata(limits);
        app.MapGet("/papers/private/new", async (HttpContext http, GroupStore groups) =>
            await http.CurrentMemberAsync() is { } user
                ? SitePages.Page<PrivateUploadPage>(http, new { Groups = await groups.OfMemberAsync(user.Id, http.RequestAborted), Confirmed = user.EmailVerified })
                : Results.Redirect("/login?returnUrl=%2Fpapers%2Fprivate%2Fnew"));
        app.MapPost("/papers/private", CreateFormAsync).RequireRateLimiting(RateLimits.Submissions).WithMetadata(limits);
        app.MapGet("/papers/private", async (HttpContext http, PrivatePaperStore store) =>
            await http.CurrentMemberAsync() is { } user
                ? SitePages.Page<PrivateListPage>(http, new { Papers = await store.VisibleAsync(user, null, http.RequestAborted), Confirmed = user.EmailVerified })
                : Results.Redirect("/login?returnUrl=%2Fpapers%2Fprivate"));

        // Ordered first: "/papers/local-x.md" also fits the public "/papers/{id}.md" and "/papers/{id}", and routing
        // ranks the three alike (each segment mixes text and a parameter), which answered 500. A local id's
        // addresses are this feature's alone, so a ".md" after one is just an unknown local paper here (404).
        app.MapGet("/papers/local-{code}", PageAsync).WithOrder(-1);
        app.MapGet("/api/papers/local-{code}", PaperJsonAsync);
        app.MapGet("/papers/local-{code}/pdf", PdfAsync);
        app.MapPost("/papers/local-{code}/link", LinkFormAsync).RequireRateLimiting(RateLimits.Submissions);
        app.MapPost("/api/papers/local-{code}/link", LinkJsonAsync).MemberWrite(RateLimits.Submissions);
        return app;
    }

    sealed record Upload(PrivateDraft? Draft, long? GroupId, PdfUpload? Pdf, string? Error, int Status = StatusCodes.Status400BadRequest);

    /// <summary>Reads the multipart form: the PDF first (guards, then PdfPig), then what the member typed, which wins.</summary>
    static async Task<Upload> ReadUploadAsync(HttpContext http, User user, bool requireTitle)
    {
        IFormCollection form;
        try
        {
            if (!http.Request.HasFormContentType) return new(null, null, null, "Send multipart/form-data with a file (a PDF) and/or title, abstract, authors, visibility.");
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new(null, null, null, $"The upload is larger than {PdfText.MaxUploadBytes / (1024 * 1024)} MB.", StatusCodes.Status413PayloadTooLarge);
        }
        catch (InvalidDataException e)
        {
            return new(null, null, null, "The upload could not be read: " + e.Message, StatusCodes.Status413PayloadTooLarge);
        }

        PdfFacts? facts = null;
        PdfUpload? pdf = null;
        if (form.Files.GetFile("file") is { Length: > 0 } file)
        {
            if (file.Length > PdfText.MaxUploadBytes)
                return new(null, null, null, $"The PDF is larger than {PdfText.MaxUploadBytes / (1024 * 1024)} MB.", StatusCodes.Status413PayloadTooLarge);
            var bytes = new byte[file.Length];
            await using (var stream = file.OpenReadStream()) await stream.ReadExactlyAsync(bytes, http.RequestAborted);
            try { facts = await PdfText.ReadAsync(bytes, ct: http.RequestAborted); }
            catch (PdfRejectedException e) { return new(null, null, null, e.Message, StatusCodes.Status422UnprocessableEntity); }
            catch (PdfUnavailableException e)
            {
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PrivateApi))
                    .LogError(e.InnerException ?? e, "The PDF reader process could not be started");
                return new(null, null, null, e.Message, StatusCodes.Status503ServiceUnavailable);
            }
            var name = Path.GetFileName(file.FileName);
            pdf = new PdfUpload(string.IsNullOrWhiteSpace(name) || name.Length > 200 ? "paper.pdf" : name, bytes, facts.Text);
        }

        var title = Field(form, "title") ?? facts?.Title;
        if (requireTitle && title is null) return new(null, null, null, "A private paper needs a title: type one, or upload a PDF that has one.");
        if (title is { Length: > 500 }) return new(null, null, null, "A title is at most 500 characters.");
        var summary = Field(form, "abstract") ?? facts?.Abstract;
        if (summary is { Length: > 20_000 }) return new(null, null, null, "An abstract is at most 20,000 characters.");
        var authors = (Field(form, "authors") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(200).ToList();
        if (authors.Count == 0) authors.Add(user.Name);
        var url = Field(form, "url");
        var code = Field(form, "code_url");
        if (url is not null && SafeUrl.Http(url) is null || code is not null && SafeUrl.Http(code) is null)
            return new(null, null, null, "Links must be http(s) addresses.");

        long? groupId = null;
        var visibility = Field(form, "visibility") ?? "members";
        if (visibility.StartsWith("group:", StringComparison.Ordinal))
        {
            var groups = http.RequestServices.GetRequiredService<GroupStore>();
            var group = await groups.GetAsync(visibility["group:".Length..], http.RequestAborted);
            if (group is null || !await groups.IsMemberAsync(group, user.Id, http.RequestAborted))
                return new(null, null, null, "You can share a paper only with a group you belong to.");
            groupId = group.Id;
        }
        else if (visibility != "members") return new(null, null, null, "visibility is 'members' or 'group:SLUG'.");
        return new(new PrivateDraft(title ?? "", summary, authors, url, code), groupId, pdf, null);
    }

    static string? Field(IFormCollection form, string name) =>
        form.TryGetValue(name, out var v) && v.ToString().Trim() is { Length: > 0 } s ? s.Replace("\r\n", "\n", StringComparison.Ordinal) : null;

    /// <summary>
    /// Why an unconfirmed member may not add one: private papers are shown only to members whose address is
    /// confirmed (<see cref="PrivatePaperStore.VisibleIds"/>), so they could not see what they added, and an
    /// account anyone can register must not be able to put papers in front of the members.
    /// </summary>
    public const string UnconfirmedMessage =
        "Private papers are shown only to members whose email address is confirmed: confirm yours (Settings, Email address) to add and see them.";

    static async Task<IResult> CreateJsonAsync(HttpContext http, PrivatePaperStore store)
    {
        if (!http.Member().EmailVerified) return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not saved", detail: UnconfirmedMessage);
        var upload = await ReadUploadAsync(http, http.Member(), requireTitle: true);
        if (upload.Error is not null) return Results.Problem(statusCode: upload.Status, title: "Not saved", detail: upload.Error);
        var paper = await store.CreateAsync(http.Member(), upload.Draft!, upload.GroupId, upload.Pdf, http.RequestAborted);
        return Results.Created($"/api/papers/{paper.Id}", paper.AsHfPaper(withComments: true));
    }

    /// <summary>What the PDF says, for the form to offer before saving; nothing is stored.</summary>
    static async Task<IResult> PreviewAsync(HttpContext http)
    {
        var upload = await ReadUploadAsync(http, http.Member(), requireTitle: false);
        if (upload.Error is not null) return Results.Problem(statusCode: upload.Status, title: "Not read", detail: upload.Error);
        return Results.Ok(new { title = upload.Draft!.Title, @abstract = upload.Draft.Abstract, pages = upload.Pdf is null ? 0 : 1 });
    }

    static async Task<IResult> CreateFormAsync(HttpContext http, PrivatePaperStore store, GroupStore groups)
    {
        var user = await http.CurrentMemberAsync();
        if (user is null) return Results.Redirect("/login?returnUrl=%2Fpapers%2Fprivate%2Fnew");
        if (user.Blocked) return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Account blocked");
        if (!user.EmailVerified)
            return SitePages.Page<PrivateUploadPage>(http, new { Groups = await groups.OfMemberAsync(user.Id, http.RequestAborted), Confirmed = false },
                StatusCodes.Status403Forbidden);
        var upload = await ReadUploadAsync(http, user, requireTitle: true);
        if (upload.Error is not null)
            return SitePages.Page<PrivateUploadPage>(http, new { Groups = await groups.OfMemberAsync(user.Id, http.RequestAborted), Confirmed = true, Error = upload.Error }, upload.Status);
        var paper = await store.CreateAsync(user, upload.Draft!, upload.GroupId, upload.Pdf, http.RequestAborted);
        return Results.Redirect($"/papers/{paper.Id}");
    }

    static async Task<IResult> PageAsync(string code, HttpContext http, PrivatePaperStore store)
    {
        var found = await store.GetAsync(PrivatePaperStore.IdPrefix + code, await http.CurrentMemberAsync(), http.RequestAborted);
        if (found is not { } f) return NotFound(code);
        if (f.Info.LinkedTo is { } arxiv) return Results.Redirect($"/papers/{arxiv}");
        return new PageResult<PaperPage>(new Dictionary<string, object?>
        {
            [nameof(PaperPage.Paper)] = f.Paper,
            [nameof(PaperPage.Private)] = f.Info,
            [nameof(PaperPage.Sections)] = await PageSections.LoadAsync(new PaperPageContext(f.Paper), http),
        });
    }

    static async Task<Results<Ok<HfPaper>, RedirectHttpResult, ProblemHttpResult>> PaperJsonAsync(string code, HttpContext http, PrivatePaperStore store)
    {
        var found = await store.GetAsync(PrivatePaperStore.IdPrefix + code, await http.CurrentMemberAsync(), http.RequestAborted);
        if (found is not { } f)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Paper not found", detail: $"No paper with id '{PrivatePaperStore.IdPrefix}{Clip(code)}'.");
        if (f.Info.LinkedTo is { } arxiv) return TypedResults.Redirect($"/api/papers/{arxiv}");
        return TypedResults.Ok(f.Paper.AsHfPaper(withComments: true));
    }

    static async Task<IResult> PdfAsync(string code, HttpContext http, PrivatePaperStore store)
    {
        var pdf = await store.PdfAsync(PrivatePaperStore.IdPrefix + code, await http.CurrentMemberAsync(), http.RequestAborted);
        if (pdf is not { } p) return NotFound(code);
        // Never cached by a shared proxy; downloaded rather than opened in our origin.
        http.Response.Headers.CacheControl = "private, no-store";
        return Results.File(p.Content, "application/pdf", p.FileName);
    }

    static async Task<IResult> LinkFormAsync(string code, HttpContext http, PrivatePaperStore store, [FromForm(Name = "arxiv_id")] string? arxivId)
    {
        var user = await http.CurrentMemberAsync();
        if (user is null || user.Blocked) return NotFound(code);
        var error = await store.LinkAsync(PrivatePaperStore.IdPrefix + code, arxivId ?? "", user, http.RequestAborted);
        if (error is null) return Results.Redirect($"/papers/{Papers.ArxivId.Normalize(arxivId!)}");
        return new PageResult<MessagePage>(new Dictionary<string, object?>
        {
            [nameof(MessagePage.Heading)] = "Not linked",
            [nameof(MessagePage.Message)] = error,
            [nameof(MessagePage.Back)] = $"/papers/{PrivatePaperStore.IdPrefix}{code}",
        }, StatusCodes.Status400BadRequest);
    }

    public sealed record LinkRequest([property: System.Text.Json.Serialization.JsonPropertyName("arxiv_id")] string? ArxivId);

    static async Task<IResult> LinkJsonAsync(string code, HttpContext http, PrivatePaperStore store, LinkRequest? request)
    {
        var error = await store.LinkAsync(PrivatePaperStore.IdPrefix + code, request?.ArxivId ?? "", http.Member(), http.RequestAborted);
        return error is null
            ? Results.Ok(new { id = PrivatePaperStore.IdPrefix + code, linked_to = Papers.ArxivId.Normalize(request!.ArxivId!) })
            : Results.Problem(statusCode: error.StartsWith("No such", StringComparison.Ordinal) ? 404 : 400, title: "Not linked", detail: error);
    }

    static IResult NotFound(string code) => new PageResult<MessagePage>(new Dictionary<string, object?>
    {
        [nameof(MessagePage.Heading)] = "Paper not found",
        [nameof(MessagePage.Message)] = $"There is no paper “{PrivatePaperStore.IdPrefix}{Clip(code)}” here (yet).",
        [nameof(MessagePage.Back)] = null,
    }, StatusCodes.Status404NotFound);

    static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
