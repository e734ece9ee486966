using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paperboy.Tests.Harvest;
using Paperboy.Tests.Infrastructure;
using Paperboy.Thumbnails;
using SkiaSharp;

namespace Paperboy.Tests.Thumbnails;

/// <summary>
/// One site (on the test engine) whose worker fetched every kind of picture from a stub on 127.0.0.1: a real
/// Hugging Face day is imported, and some of its papers' thumbnail URLs are pointed at the stub's good and bad
/// pictures; the others keep their huggingface.co URLs, a host this site is not allowed to reach.
/// </summary>
public sealed class ThumbnailFixture : IAsyncLifetime
{
    public const string Day = "2024-06-12";
    public const long MaxBytes = 300_000;

    /// <summary>Stub path, and the size its stored thumbnail must have (null: a bad picture).</summary>
    public static readonly (string Path, int Width, int Height)[] Good =
        [("/wide.png", 320, 213), ("/tall.jpg", 320, 450), ("/small.png", 200, 100)];
    public static readonly (string Path, string Reason)[] Bad =
    [
        ("/truncated.png", "truncated"), ("/not-an-image.png", "not an image"), ("/bomb.png", "50000x50000"),
        ("/oversized.png", "byte limit"), ("/missing.png", "HTTP 404"),
    ];
    public const string LatePath = "/late.png";

    readonly Dictionary<string, byte[]> _pictures = new(StringComparer.Ordinal);

    public StubServer Stub { get; private set; } = null!;
    public TestInstance App { get; private set; } = null!;
    public ListLoggerProvider Log { get; } = new("Paperboy.Thumbnails");
    /// <summary>Paper ids by stub path.</summary>
    public Dictionary<string, string> PaperOf { get; } = new(StringComparer.Ordinal);
    /// <summary>Papers of the day left with their huggingface.co URL.</summary>
    public List<string> Untouched { get; } = [];

    public async Task InitializeAsync()
    {
        var wide = TestPictures.Make(1200, 800, SKEncodedImageFormat.Png);
        _pictures["/wide.png"] = wide;
        _pictures["/tall.jpg"] = TestPictures.Make(640, 900, SKEncodedImageFormat.Jpeg);
        _pictures["/small.png"] = TestPictures.Make(200, 100, SKEncodedImageFormat.Png);
        _pictures[LatePath] = TestPictures.Make(400, 300, SKEncodedImageFormat.Png);
        _pictures["/truncated.png"] = wide[..(wide.Length * 6 / 10)];
        _pictures["/not-an-image.png"] = "<!doctype html><title>Not found</title><p>Sorry"u8.ToArray();
        _pictures["/bomb.png"] = TestPictures.PngHeader(50000, 50000);
        _pictures["/oversized.png"] = new byte[MaxBytes + 100_000];
        Random.Shared.NextBytes(_pictures["/oversized.png"]);

        Stub = await StubServer.StartAsync(async context =>
        {
            if (!_pictures.TryGetValue(context.Request.Path.Value!, out var bytes))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            context.Response.ContentType = context.Request.Path.Value!.EndsWith(".jpg", StringComparison.Ordinal) ? "image/jpeg" : "image/png";
            await context.Response.Body.WriteAsync(bytes);
        });

        var settings = new ThumbnailSettings
        {
            Enabled = true,
            Hosts = ["127.0.0.1"],
            AllowPrivate = true, // the stub is on loopback: the operator's "mirror on the LAN"
            MaxBytes = MaxBytes,
            Interval = TimeSpan.Zero,
            Idle = TimeSpan.FromMilliseconds(100),
        };
        App = await TestInstance.StartWithAsync(TestInstance.DefaultEngine, builder =>
        {
            builder.Services.AddSingleton(settings);
            builder.Logging.AddProvider(Log);
            // The test instance silences every log; this provider's own rule wins over that.
            builder.Logging.AddFilter<ListLoggerProvider>("Paperboy.Thumbnails", LogLevel.Debug);
        }, SharedData.Path("hf-daily-papers", Day + ".json"));

        await using var c = await App.Database.OpenAsync();
        var ids = (await c.QueryAsync<string>(
            "SELECT m.paper_id FROM paper_media m JOIN daily_entries d ON d.paper_id = m.paper_id WHERE d.day = @Day AND m.thumbnail_url IS NOT NULL ORDER BY m.paper_id",
            new { Day })).ToList();
        var paths = Good.Select(g => g.Path).Concat(Bad.Select(b => b.Path)).ToList();
        for (var i = 0; i < ids.Count; i++)
        {
            if (i < paths.Count) PaperOf[paths[i]] = ids[i];
            else if (i == paths.Count) PaperOf[LatePath] = ids[i];
            else Untouched.Add(ids[i]);
        }
        foreach (var path in paths) await PointAsync(c, PaperOf[path], path);

        // Wait until every picture was tried; then one more paper gets a picture, and waiting for it proves the
        // worker passed over the bad ones again (every 100 ms here) without fetching them a second time.
        var tried = await Eventually.ReturnsAsync(() => c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM paper_thumbnails WHERE status IN ('stored', 'bad') AND source_url LIKE @prefix", new { prefix = Stub.BaseUrl + "%" }),
            n => n == paths.Count);
        if (tried != paths.Count) throw new InvalidOperationException($"only {tried} of {paths.Count} pictures were tried; the worker said: " + string.Join(" | ", Log.Lines.Select(l => l.Message).Distinct()));
        await PointAsync(c, PaperOf[LatePath], LatePath);
        if (!await Eventually.TrueAsync(async () => await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM paper_thumbnails WHERE paper_id = @id AND status = 'stored'", new { id = PaperOf[LatePath] }) == 1))
            throw new InvalidOperationException("the late picture was never stored");
    }

    Task PointAsync(System.Data.Common.DbConnection c, string paperId, string path) =>
        c.ExecuteAsync("UPDATE paper_media SET thumbnail_url = @url WHERE paper_id = @paperId", new { url = new Uri(Stub.BaseUrl, path).ToString(), paperId });

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Stub.DisposeAsync();
    }
}
