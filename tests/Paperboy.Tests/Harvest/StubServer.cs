using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Paperboy.Tests.Harvest;

/// <summary>One request as the stub saw it, with Stopwatch times so intervals can be measured.</summary>
public sealed record StubRequest(string PathAndQuery, string? UserAgent, long StartTicks, long EndTicks, string ConnectionId)
{
    public TimeSpan Start => Stopwatch.GetElapsedTime(0, StartTicks);
    public TimeSpan End => Stopwatch.GetElapsedTime(0, EndTicks);
}

/// <summary>
/// The live internet's stand-in: Kestrel on 127.0.0.1 (a free port) answering with a handler the test
/// gives, replaying recorded responses. It records every request and the most that ran at once.
/// </summary>
public sealed class StubServer : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ConcurrentQueue<StubRequest> _requests = new();
    int _inFlight;
    int _maxInFlight;

    StubServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;
    public IReadOnlyList<StubRequest> Requests => _requests.ToArray();
    public int MaxConcurrent => _maxInFlight;

    public static async Task<StubServer> StartAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new StubServer(app);
        app.Run(async context =>
        {
            var start = Stopwatch.GetTimestamp();
            var now = Interlocked.Increment(ref stub._inFlight);
            InterlockedMax(ref stub._maxInFlight, now);
            try
            {
                await handler(context);
            }
            finally
            {
                Interlocked.Decrement(ref stub._inFlight);
                stub._requests.Enqueue(new StubRequest(context.Request.Path + context.Request.QueryString.Value,
                    context.Request.Headers.UserAgent.ToString(), start, Stopwatch.GetTimestamp(), context.Connection.Id));
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub.BaseUrl = new Uri(address);
        return stub;
    }

    static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A TCP port on 127.0.0.1 where nothing listens: "no network" without touching the real one.</summary>
    public static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
