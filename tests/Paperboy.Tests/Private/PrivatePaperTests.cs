using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Paperboy.Private;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Private;

/// <summary>Uploading private papers: what is read from the PDF, what is refused, and linking to arXiv.</summary>
[RunsFor(16)]
public sealed class PrivatePaperTests
{
    [Fact]
    public async Task TitleAndAbstractAreReadFromTheUploadedPdfAndTypedFieldsWin()
    {
        await using var app = await PrivateApp.StartAsync();
        var pdf = TestPdfs.Paper("Sparse Lattice Transport", "We move sparse lattices at low cost.");

        // The preview reads the PDF and stores nothing: the form offers these for editing.
        var preview = await app.Ada.PostAsync("/api/papers/private/preview", PrivateApp.Form(pdf));
        var read = JsonDocument.Parse(await preview.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal("Sparse Lattice Transport", read.GetProperty("title").GetString());
        Assert.Contains("We move sparse lattices at low cost.", read.GetProperty("abstract").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(app, "private_papers"));

        var fromPdf = await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(pdf));
        Assert.Equal("Sparse Lattice Transport", fromPdf.GetProperty("title").GetString());
        var typed = await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(pdf, fields: [("title", "My corrected title"), ("authors", "Ada Lovelace\nGrace Hopper")]));
        Assert.Equal("My corrected title", typed.GetProperty("title").GetString());
        Assert.Equal(["Ada Lovelace", "Grace Hopper"], typed.GetProperty("authors").EnumerateArray().Select(a => a.GetProperty("name").GetString()!).ToArray());

        // The PDF is kept in the database and served back to those who may see the paper, byte for byte.
        var id = typed.GetProperty("id").GetString()!;
        Assert.Equal(pdf, await app.Ada.GetByteArrayAsync($"/papers/{id}/pdf"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Community.Anonymous.GetAsync($"/papers/{id}/pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Community.Anonymous.GetAsync($"/api/papers/{id}")).StatusCode);
        Assert.Equal(2, await CountAsync(app, "private_pdfs"));
    }

    [Fact]
    public async Task APaperWithNeitherATitleNorAPdfIsRefused()
    {
        await using var app = await PrivateApp.StartAsync();
        var response = await app.Ada.PostAsync("/api/papers/private", PrivateApp.Form(fields: [("abstract", "no title")]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("needs a title", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Community.Anonymous.PostAsync("/api/papers/private", PrivateApp.Form(fields: [("title", "x")]))).StatusCode);
        // Only a group one belongs to: Bob is not in the lab.
        var notMine = await app.Bob.PostAsync("/api/papers/private", PrivateApp.Form(fields: [("title", "x"), ("visibility", "group:lab")]));
        Assert.Equal(HttpStatusCode.BadRequest, notMine.StatusCode);
        Assert.Equal(0, await CountAsync(app, "private_papers"));
    }

    public static TheoryData<string, string> HostilePdfs => new()
    {
        { "truncated", "cut short" },
        { "encrypted", "encrypted" },
        { "javascript", "JavaScript" },
        { "compressed-javascript", "JavaScript" },
        { "escaped-javascript", "JavaScript" },
        { "bomb", "decompression bomb" },
        { "nested-bomb", "decompression bomb" },
        { "lzw-bomb", "decompression bomb" },
        { "repeated-stream", "more memory" },
        { "not-a-pdf", "not a PDF" },
        { "empty-pages", "could not be read" },
    };

    static byte[] Hostile(string kind) => kind switch
    {
        "truncated" => TestPdfs.Paper("Cut", "Short")[..^400],
        "encrypted" => TestPdfs.Encrypted(),
        "javascript" => TestPdfs.WithJavaScript(),
        "compressed-javascript" => TestPdfs.WithCompressedJavaScript(),
        "escaped-javascript" => TestPdfs.WithEscapedJavaScript(),
        "bomb" => TestPdfs.Bomb(),
        "nested-bomb" => TestPdfs.NestedBomb(),
        "lzw-bomb" => TestPdfs.LzwBomb(),
        "repeated-stream" => TestPdfs.RepeatedStream(),
        "not-a-pdf" => Encoding.UTF8.GetBytes("PK\u0003\u0004 this is a zip file wearing a .pdf name"),
        // Looks whole to the guards but its cross-reference table is missing: PdfPig's strict parser refuses it.
        "empty-pages" => Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 9 0 R >>\n%%EOF\n"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(HostilePdfs))]
    public async Task AHostileOrBrokenPdfGetsAClearErrorAndNothingIsStored(string kind, string reason)
    {
        await using var app = await PrivateApp.StartAsync();
        var papers = await CountAsync(app, "papers");
        var response = await app.Ada.PostAsync("/api/papers/private", PrivateApp.Form(Hostile(kind), fields: [("title", "Typed title")]));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {body}");
        Assert.Contains(reason, body, StringComparison.Ordinal);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(papers, await CountAsync(app, "papers"));
        Assert.Equal(0, await CountAsync(app, "private_pdfs"));
        // The site is unaffected: the next upload and the next page work.
        Assert.Equal(HttpStatusCode.OK, (await app.Community.Anonymous.GetAsync("/healthz")).StatusCode);
        await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(TestPdfs.Paper("After the storm", "Fine.")));
    }

    [Fact]
    [Trait("Engine", "independent")]
    public void TheStreamChecksFollowEveryFilterTheWayPdfPigDecodes()
    {
        static string Refusal(byte[] pdf) => Assert.Throws<PdfRejectedException>(() => PdfText.Check(pdf)).Message;
        var bomb = TestPdfs.Zeros(256);
        // PdfPig skips the first two bytes of a Flate stream whatever they are: a bomb without a zlib header is still one.
        Assert.Contains("decompression bomb", Refusal(TestPdfs.HandWritten(stream: [0, 0, .. bomb.AsSpan(2)], streamDict: "/Filter /FlateDecode")));
        // The filters named by reference, and written with escapes.
        Assert.Contains("decompression bomb", Refusal(TestPdfs.HandWritten(stream: bomb, streamDict: "/Filter 5 0 R")
            .Concat(Encoding.ASCII.GetBytes("5 0 obj\n[/Fl#61teDecode]\nendobj\n%%EOF\n")).ToArray()));
        // In a chain after a filter that is not compression at all.
        var hex = Encoding.ASCII.GetBytes(Convert.ToHexString(bomb) + ">");
        Assert.Contains("decompression bomb", Refusal(TestPdfs.HandWritten(stream: hex, streamDict: "/Filter [/AHx /Fl]")));
        // What cannot be bounded is refused rather than guessed at.
        Assert.Contains("does not read (/Brotli)", Refusal(TestPdfs.HandWritten(stream: bomb, streamDict: "/Filter /Brotli")));
        Assert.Contains("image encoding before another filter", Refusal(TestPdfs.HandWritten(stream: bomb, streamDict: "/Filter [/DCTDecode /FlateDecode]")));
        Assert.Contains("encrypted", Refusal(TestPdfs.HandWritten(trailerExtra: "/#45ncrypt 7 0 R")));
        // A real paper's streams pass, and the word "stream" in its text is no stream.
        PdfText.Check(TestPdfs.Paper("A mainstream paper", "Upstream and downstream streams."));
        PdfText.Check(TestPdfs.HandWritten(stream: TestPdfs.Zeros(150), streamDict: "/Filter /FlateDecode"));
    }

    [Fact]
    [Trait("Engine", "independent")]
    public async Task ParsingStopsAtItsTimeLimit()
    {
        // A read held until the clock has passed the limit: a time limit of zero raced the read, which could
        // finish before the wait began, and the fake clock decides instead of the machine's load.
        var pdf = TestPdfs.Paper("Slow", "Read");
        var clock = new FakeTimeProvider();
        var stopped = new TaskCompletionSource();
        async Task<PdfFacts> Held(byte[] _, CancellationToken ct)
        {
            try { await Task.Delay(Timeout.Infinite, ct); }
            finally { stopped.TrySetResult(); }
            return new PdfFacts("never", null, "", 1);
        }
        var reading = PdfText.ReadAsync(pdf, Held, TimeSpan.FromSeconds(20), clock, default);
        clock.Advance(TimeSpan.FromSeconds(19));
        Assert.False(reading.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        var error = await Assert.ThrowsAsync<PdfRejectedException>(() => reading);
        Assert.Contains("took too long", error.Message, StringComparison.Ordinal);
        // The read was stopped, not abandoned: it had ended by the time the refusal came back.
        Assert.True(stopped.Task.IsCompleted);
        Assert.Equal("Slow", (await PdfText.ReadAsync(pdf)).Title);
    }

    [Fact]
    [Trait("Engine", "independent")]
    public async Task AReaderProcessPastItsTimeLimitIsKilled()
    {
        // The real reader (this app started again as "paperboy read-pdf") given no time at all: the refusal comes
        // back only once its process is gone.
        var reader = new PdfReaderProcess(PdfText.ReaderHeapLimit);
        var started = new List<int>();
        reader.Started = started.Add;
        var error = await Assert.ThrowsAsync<PdfRejectedException>(() =>
            PdfText.ReadAsync(TestPdfs.Paper("Slow", "Read"), reader.ReadAsync, TimeSpan.FromMilliseconds(1), TimeProvider.System, default));
        Assert.Contains("took too long", error.Message, StringComparison.Ordinal);
        var pid = Assert.Single(started);
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(pid));

        // Given time, the same reader reads the paper.
        var facts = await PdfText.ReadAsync(TestPdfs.Paper("Quick Read", "Fast."), reader.ReadAsync, PdfText.ParseTimeLimit, TimeProvider.System, default);
        Assert.Equal("Quick Read", facts.Title);
        Assert.Equal(2, started.Count);
    }

    [Fact]
    public async Task AnUploadOverTheLimitIsRefusedBeforeItIsRead()
    {
        await using var app = await PrivateApp.StartAsync();
        // A 2 GB upload, announced by its Content-Length, made of bytes generated as they are sent: the server
        // must refuse it without reading it (the generator counts what was taken) and store nothing.
        var body = new GeneratedStream(2L * 1024 * 1024 * 1024);
        var content = new StreamContent(body);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        content.Headers.ContentLength = body.Length;
        HttpStatusCode? status = null;
        try { status = (await app.Ada.PostAsync("/api/papers/private", content)).StatusCode; }
        catch (HttpRequestException) { } // the server may close the connection while the client is still sending
        Assert.True(status is null or HttpStatusCode.RequestEntityTooLarge, $"answered {status}");
        Assert.True(body.Produced < 64L * 1024 * 1024, $"the server read {body.Produced / (1024 * 1024)} MB of an upload it should refuse");
        Assert.Equal(0, await CountAsync(app, "private_papers"));

        // A file just over 50 MB in a request the server reads whole: refused with 413 and a sentence, nothing stored.
        var big = new byte[PdfText.MaxUploadBytes + 100 * 1024];
        "%PDF-1.7\n"u8.CopyTo(big);
        var response = await app.Ada.PostAsync("/api/papers/private", PrivateApp.Form(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 50 MB", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(app, "private_papers"));
        Assert.Equal(HttpStatusCode.OK, (await app.Community.Anonymous.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task LinkingToItsArxivVersionMakesOnePaperWithTheVotesAndDiscussionKept()
    {
        await using var app = await PrivateApp.StartAsync();
        var paper = await PrivateApp.CreateAsync(app.Ada, PrivateApp.Form(fields: [("title", "Draft of the other paper")]));
        var id = paper.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await app.Ada.PostAsync($"/api/papers/{id}/upvote", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Bob.PostAsync($"/api/papers/{id}/upvote", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await app.Bob.PostAsJsonAsync($"/api/papers/{id}/comments", new { body = "Looking forward to the preprint" })).StatusCode);
        var before = await app.Community.UpvotesAsync(CommunityApp.OtherPaper);
        // Ada had already upvoted the arXiv paper: her vote is not counted twice.
        Assert.Equal(HttpStatusCode.OK, (await app.Ada.PostAsync($"/api/papers/{CommunityApp.OtherPaper}/upvote", null)).StatusCode);

        var bad = await app.Ada.PostAsJsonAsync($"/api/papers/{id}/link", new { arxiv_id = "not an id" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var linked = await app.Ada.PostAsJsonAsync($"/api/papers/{id}/link", new { arxiv_id = "arXiv:" + CommunityApp.OtherPaper });
        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);

        Assert.Equal(before + 2, await app.Community.UpvotesAsync(CommunityApp.OtherPaper));
        Assert.Equal(1, await app.Community.NumCommentsAsync(CommunityApp.OtherPaper));
        Assert.Contains("Looking forward to the preprint", await app.Community.Anonymous.GetStringAsync($"/papers/{CommunityApp.OtherPaper}"), StringComparison.Ordinal);
        // The local address now leads to the arXiv paper, for those who could see it; for others it still does not exist.
        var redirect = await app.Bob.GetAsync($"/papers/{id}");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal($"/papers/{CommunityApp.OtherPaper}", redirect.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Community.Anonymous.GetAsync($"/papers/{id}")).StatusCode);
        await using var c = await app.Community.App.Database.OpenAsync();
        Assert.Equal(1L, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'link-private-paper'"));
    }

    [Fact]
    public async Task GroupsAreCreatedAndFilledFromTheCommandLine()
    {
        using var dir = new TempDir();
        Assert.Equal(0, (await PaperboyCli.RunAsync(dir.Path, "users", "create", "--email", "ada@example.com", "--password", "lantern orbit velvet")).ExitCode);
        var create = await PaperboyCli.RunAsync(dir.Path, "groups", "create", "--slug", "lab", "--name", "The Lab");
        Assert.Equal(0, create.ExitCode);
        Assert.Contains("/groups/lab", create.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, (await PaperboyCli.RunAsync(dir.Path, "groups", "create", "--slug", "lab", "--name", "Again")).ExitCode);
        Assert.Equal(2, (await PaperboyCli.RunAsync(dir.Path, "groups", "create", "--slug", "Bad Slug!", "--name", "x")).ExitCode);
        var add = await PaperboyCli.RunAsync(dir.Path, "groups", "add", "--slug", "lab", "--email", "ada@example.com");
        Assert.Equal(0, add.ExitCode);
        Assert.Contains("Added", add.Stdout, StringComparison.Ordinal);
        var unknown = await PaperboyCli.RunAsync(dir.Path, "groups", "add", "--slug", "lab", "--email", "nobody@example.com");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("No member", unknown.Stderr, StringComparison.Ordinal);
    }

    static async Task<long> CountAsync(PrivateApp app, string table)
    {
        await using var c = await app.Community.App.Database.OpenAsync();
        return await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }

    /// <summary>A stream of a given length whose bytes are made as they are read, counting how many were.</summary>
    sealed class GeneratedStream(long length) : Stream
    {
        public long Produced { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => Produced; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - Produced);
            buffer.AsSpan(offset, n).Fill((byte)'x');
            Produced += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
