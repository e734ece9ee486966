using Microsoft.Playwright;

namespace Paperboy.Tests.Feed;

/// <summary>Chromium (its headless shell) launched, collecting console errors, page errors and CSP violations.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    readonly IPlaywright _playwright;
    readonly IBrowser _browser;
    readonly List<string> _errors = [];

    BrowserSession(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>
    /// Debian's Chromium in its headless build (package chromium-headless-shell: the same version, Blink and V8 as the
    /// chromium package, without the browser's window, tabs and address bar), which is also what Playwright runs for
    /// headless Chromium by default. The full browser ran headless renders the address bar's dropdowns as hidden pages of
    /// their own (chrome://omnibox-popup.top-chrome) and updates them on every navigation: the browser tests' CPU was
    /// ~a fifth lower with the shell (docs/PERFORMANCE.md), and Playwright's switches need no rewriting.
    /// </summary>
    public const string Executable = "/usr/bin/chromium-headless-shell";

    public static async Task<BrowserSession> LaunchAsync()
    {
        if (!File.Exists(Executable))
            Assert.Fail($"Chromium's headless shell is not installed at {Executable}. Run .ci/run (it installs the Debian package), or: apt-get install -y chromium-headless-shell");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        return new BrowserSession(playwright, browser);
    }

    /// <summary>Every target of the browser (pages and the browser's own hidden ones), as "type url".</summary>
    public async Task<List<string>> TargetsAsync()
    {
        var session = await _browser.NewBrowserCDPSessionAsync();
        var targets = await session.SendAsync("Target.getTargets");
        await session.DetachAsync();
        return [.. targets!.Value.GetProperty("targetInfos").EnumerateArray()
            .Select(t => $"{t.GetProperty("type").GetString()} {t.GetProperty("url").GetString()}")];
    }

    /// <param name="expectedNotFound">An address whose 404 is what the test is about, so not an error.</param>
    public async Task<IPage> NewPageAsync(int width, int height, bool javaScript = true, string? expectedNotFound = null)
    {
        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height }, JavaScriptEnabled = javaScript });
        // CSP violations are reported on the console as errors, so this catches them too.
        page.Console += (_, message) =>
        {
            // Chromium also reports a 404 on the console, from the address that answered it.
            if (expectedNotFound is not null && message.Location.StartsWith(expectedNotFound + ":", StringComparison.Ordinal)) return;
            if (message.Type is "error" or "warning") _errors.Add($"console {message.Type}: {message.Text}");
        };
        page.PageError += (_, error) => _errors.Add("page error: " + error);
        page.RequestFailed += (_, request) => _errors.Add($"request failed: {request.Url} {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !(response.Status == 404 && response.Url == expectedNotFound)) _errors.Add($"HTTP {response.Status}: {response.Url}");
        };
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
