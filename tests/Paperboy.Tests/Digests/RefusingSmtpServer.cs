using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Paperboy.Tests.Digests;

/// <summary>
/// A small but real SMTP server (RFC 5321's minimal command set) that answers 450 "try again
/// later" to the recipients in <see cref="Refused"/>, as a busy or greylisting server would, and
/// accepts everyone else. maildev cannot refuse one recipient, which the mid-batch failure test needs.
/// </summary>
public sealed class RefusingSmtpServer : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource _stop = new();
    readonly Task _accepting;

    public ConcurrentDictionary<string, bool> Refused { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Recipients of every message accepted, in order, one entry per message.</summary>
    public ConcurrentQueue<string> Delivered { get; } = new();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public RefusingSmtpServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 refusing-smtp ready");
            var recipients = new List<string>();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO": await writer.WriteLineAsync("250-refusing-smtp\r\n250 8BITMIME"); break;
                    case "HELO": await writer.WriteLineAsync("250 refusing-smtp"); break;
                    case "MAIL": recipients.Clear(); await writer.WriteLineAsync("250 2.1.0 ok"); break;
                    case "RCPT":
                        var address = line[(line.IndexOf('<') + 1)..line.IndexOf('>')];
                        if (Refused.ContainsKey(address)) { await writer.WriteLineAsync("450 4.2.1 mailbox busy, try again later"); break; }
                        recipients.Add(address);
                        await writer.WriteLineAsync("250 2.1.5 ok");
                        break;
                    case "DATA":
                        if (recipients.Count == 0) { await writer.WriteLineAsync("554 5.5.1 no valid recipients"); break; }
                        await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                        while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".") { }
                        foreach (var r in recipients) Delivered.Enqueue(r);
                        recipients.Clear();
                        await writer.WriteLineAsync("250 2.0.0 queued");
                        break;
                    case "RSET": recipients.Clear(); await writer.WriteLineAsync("250 2.0.0 ok"); break;
                    case "NOOP": await writer.WriteLineAsync("250 2.0.0 ok"); break;
                    case "QUIT": await writer.WriteLineAsync("221 2.0.0 bye"); return;
                    default: await writer.WriteLineAsync("502 5.5.2 not implemented"); break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
