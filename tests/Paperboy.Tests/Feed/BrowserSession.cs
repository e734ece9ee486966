using Microsoft.Playwright;

namespace Paperboy.Tests.Feed;

/// <summary>Chromium launched headless, collecting console errors, page errors and CSP violations.</summary>
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

    public static async Task<BrowserSession> LaunchAsync()
    {
        if (!File.Exists("/usr/bin/chromium"))
            Assert.Fail("Chromium is not installed at /usr/bin/chromium. Run .ci/run (it installs the Debian chromium package), or: apt-get install -y chromium");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        return new BrowserSession(playwright, browser);
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
