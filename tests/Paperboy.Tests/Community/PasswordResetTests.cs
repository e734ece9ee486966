using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Paperboy.Tests.Community;

/// <summary>A minimal SMTP server on 127.0.0.1 that accepts every message and keeps it, for reading in tests.</summary>
public sealed class FakeSmtp : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;
    public ConcurrentQueue<string> Messages { get; } = new();
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public FakeSmtp()
    {
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 fake smtp");
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ')[0].ToUpperInvariant();
            if (verb == "DATA")
            {
                await writer.WriteLineAsync("354 go ahead");
                var body = new StringBuilder();
                while (await reader.ReadLineAsync() is { } data && data != ".") body.AppendLine(data);
                Messages.Enqueue(body.ToString());
                await writer.WriteLineAsync("250 queued");
            }
            else if (verb == "QUIT")
            {
                await writer.WriteLineAsync("221 bye");
                return;
            }
            else
            {
                await writer.WriteLineAsync("250 ok");
            }
        }
    }

    public async Task<string> NextMessageAsync()
    {
        for (var i = 0; i < 100; i++)
        {
            if (Messages.TryDequeue(out var message)) return message;
            await Task.Delay(100);
        }
        throw new TimeoutException("no email arrived");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}

public sealed class PasswordResetTests
{
    [Fact]
    public async Task AResetLinkArrivesByEmailWorksOnceAndTheFormNeverSaysWhetherTheEmailExists()
    {
        await using var smtp = new FakeSmtp();
        await using var app = await CommunityApp.StartAsync(new()
        {
            ["Community:SmtpHost"] = "127.0.0.1",
            ["Community:SmtpPort"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Community:PublicUrl"] = "https://papers.example.org",
        });
        await app.Members.CreateAsync("ada@example.com", "ada", "correct horse battery", false);
        var browser = app.NewBrowser();

        var unknown = await browser.SubmitAsync("/forgot", "/forgot", ("email", "nobody@example.com"));
        var known = await browser.SubmitAsync("/forgot", "/forgot", ("email", "ada@example.com"));
        Assert.Equal(unknown.StatusCode, known.StatusCode);
        Assert.Equal(Status(await unknown.Content.ReadAsStringAsync()), Status(await known.Content.ReadAsStringAsync()));

        var mail = await smtp.NextMessageAsync();
        Assert.Contains("To: ada@example.com", mail, StringComparison.Ordinal);
        var link = Regex.Match(mail, @"https://papers\.example\.org(?<path>/reset\?token=[A-Za-z0-9_\-%]+)").Groups["path"].Value;
        Assert.NotEmpty(link);
        await Task.Delay(300);
        Assert.Empty(smtp.Messages); // nothing was sent for the unknown address

        var reset = await browser.SubmitAsync(link, "/reset", ("token", Token(link)), ("password", "a brand new passphrase"));
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await app.NewBrowser().SignInAsync("ada@example.com", "a brand new passphrase")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.NewBrowser().SignInAsync("ada@example.com")).StatusCode);

        var again = await app.NewBrowser().SubmitAsync(link, "/reset", ("token", Token(link)), ("password", "yet another passphrase"));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    static string Token(string link) => Uri.UnescapeDataString(link[(link.IndexOf('=', StringComparison.Ordinal) + 1)..]);

    static string Status(string html)
    {
        var start = html.IndexOf("role=\"status\"", StringComparison.Ordinal);
        Assert.True(start >= 0, html);
        return html[start..html.IndexOf("</p>", start, StringComparison.Ordinal)];
    }
}
