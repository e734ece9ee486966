using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Digests;

/// <summary>
/// A real SMTP server: a maildev process on free ports of its own, so test classes never share a
/// mailbox. Messages are read back through maildev's REST API. Test classes get one through
/// <see cref="SharedMaildev"/>.
/// </summary>
public sealed class Maildev : IAsyncDisposable
{
    Process? _process;
    readonly HttpClient _http;

    public int SmtpPort { get; }
    public int WebPort { get; }

    Maildev(int smtpPort, int webPort)
    {
        SmtpPort = smtpPort;
        WebPort = webPort;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}/"), Timeout = TimeSpan.FromSeconds(20) };
    }

    /// <summary>
    /// Starts maildev on two free ports. A port found free can be taken by another process before maildev
    /// binds it (CI saw maildev exit with code 1 that way), so an exit at start is tried again on new ports.
    /// </summary>
    public static async Task<Maildev> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var maildev = new Maildev(FreePort(), FreePort());
            try
            {
                await maildev.StartProcessAsync();
                return maildev;
            }
            catch (ExitedException) when (attempt < 3)
            {
                await maildev.DisposeAsync();
            }
        }
    }

    sealed class ExitedException(string message) : InvalidOperationException(message);

    public static string Binary()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "maildev");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("maildev is not installed: the email tests need a real SMTP server. Run `bash .ci/run` (it installs maildev with npm) or `npm install -g maildev@2.2.1`.");
    }

    /// <summary>Starts maildev again on the same ports, after <see cref="StopAsync"/> (an SMTP server coming back).</summary>
    public async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo(Binary())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--ip", "127.0.0.1", "--smtp", SmtpPort.ToString(), "--web", WebPort.ToString(), "--silent" }) start.ArgumentList.Add(a);
        _process = Process.Start(start)!;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line && errors.Count < 5) errors.Enqueue(line); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var process = _process;
        var answered = await Eventually.TrueAsync(async () => process.HasExited || await AnswersAsync(), TimeSpan.FromSeconds(30));
        if (process.HasExited)
            throw new ExitedException($"maildev exited with code {process.ExitCode} (smtp {SmtpPort}, web {WebPort}): {string.Join(" | ", errors)}");
        if (!answered) throw new TimeoutException("maildev did not start within 30 s");
    }

    /// <summary>Whether both of maildev's ports answer; a refused or timed-out connection (still starting) is a no.</summary>
    async Task<bool> AnswersAsync()
    {
        try
        {
            using var smtp = new TcpClient();
            await smtp.ConnectAsync(IPAddress.Loopback, SmtpPort);
            (await _http.GetAsync("email")).EnsureSuccessStatusCode();
            return true;
        }
        catch (Exception ex) when (ex is SocketException or HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public bool Running => _process is { HasExited: false };

    public async Task StopAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async Task<IReadOnlyList<JsonElement>> MessagesAsync()
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync("email"));
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    public async Task<IReadOnlyList<JsonElement>> MessagesToAsync(string address) =>
        (await MessagesAsync()).Where(m => m.GetProperty("to").EnumerateArray().Any(t => string.Equals(t.GetProperty("address").GetString(), address, StringComparison.OrdinalIgnoreCase))).ToList();

    /// <summary>Waits until at least <paramref name="count"/> messages reached <paramref name="address"/>.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForAsync(string address, int count = 1, int seconds = 30)
    {
        var messages = await Eventually.ReturnsAsync(() => MessagesToAsync(address), m => m.Count >= count, TimeSpan.FromSeconds(seconds));
        if (messages.Count < count) throw new TimeoutException($"{messages.Count} of {count} messages reached {address} within {seconds} s");
        return messages;
    }

    /// <summary>The raw message (headers and MIME parts) as the server received it.</summary>
    public Task<string> SourceAsync(JsonElement message) => _http.GetStringAsync($"email/{message.GetProperty("id").GetString()}/source");

    public async Task ClearAsync() => (await _http.DeleteAsync("email/all")).EnsureSuccessStatusCode();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
    }
}

/// <summary>
/// One maildev per test class (an xunit class fixture) instead of one per test: each start is a Node
/// process, about a second of CPU on a busy machine. A class's tests run one at a time, so each test
/// starts from an empty mailbox on a running server (a test may have stopped it to play an outage).
/// </summary>
public sealed class SharedMaildev : IAsyncLifetime
{
    Maildev? _server;

    public async Task InitializeAsync() => _server = await Maildev.StartAsync();

    /// <summary>The class's server, running and empty, for the test about to run.</summary>
    public async Task<Maildev> ForTestAsync()
    {
        if (!_server!.Running) await _server.StartProcessAsync();
        await _server.ClearAsync();
        return _server;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
