using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Paperboy.Tests.Harvest;

namespace Paperboy.Tests.Webhooks;

/// <summary>One delivery as the receiver got it: the exact body bytes and the headers that matter.</summary>
public sealed record ReceivedHook(string Path, byte[] Body, string Signature, string Event, string DeliveryId, string ContentType)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}

public enum ReceiverMode { Ok, Fail, Hang }

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel, through <see cref="StubServer"/>) that records every request
/// it finished reading and answers as the test says: 200, 500, or not at all until <see cref="Release"/>
/// (a dead or slow hook). <see cref="Waiting"/> counts requests it is holding.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    readonly ConcurrentQueue<ReceivedHook> _received = new();
    TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    StubServer _server = null!;
    int _waiting;

    public ReceiverMode Mode { get; set; } = ReceiverMode.Ok;
    public IReadOnlyList<ReceivedHook> Received => _received.ToArray();
    public int Waiting => Volatile.Read(ref _waiting);
    public string Url => new Uri(_server.BaseUrl, "hook").AbsoluteUri;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        receiver._server = await StubServer.StartAsync(receiver.HandleAsync);
        return receiver;
    }

    async Task HandleAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        var h = http.Request.Headers;
        _received.Enqueue(new ReceivedHook(http.Request.Path, body.ToArray(), h["X-Paperboy-Signature"].ToString(), h["X-Paperboy-Event"].ToString(),
            h["X-Paperboy-Delivery"].ToString(), h.ContentType.ToString()));
        switch (Mode)
        {
            case ReceiverMode.Fail:
                http.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            case ReceiverMode.Hang:
                Interlocked.Increment(ref _waiting);
                try { await _release.Task.WaitAsync(http.RequestAborted); }
                catch (OperationCanceledException) { return; }
                finally { Interlocked.Decrement(ref _waiting); }
                break;
        }
        http.Response.StatusCode = StatusCodes.Status200OK;
        await http.Response.WriteAsync("ok");
    }

    /// <summary>Answers every held request with 200, and later ones at once.</summary>
    public void Release()
    {
        Mode = ReceiverMode.Ok;
        _release.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await _server.DisposeAsync();
    }
}
