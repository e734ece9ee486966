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
            IgnoreDefaultArgs = [PlaywrightFeatureSwitch],
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", FeatureSwitch],
        });
        return new BrowserSession(playwright, browser);
    }

    /// <summary>
    /// The features Playwright turns off (its chromiumSwitches.ts, in this order), and ours. Chromium reads only the
    /// last <c>--disable-features</c>, so Playwright's is replaced by one with both lists (BrowserTests checks that the
    /// browser runs with exactly one, and without those pages). Ours: the address bar's two dropdowns, which this Chromium renders as hidden
    /// web pages of their own (chrome://omnibox-popup.top-chrome) and updates on every navigation, although headless
    /// Chromium never shows them: their renderer used as much CPU as the page's, ~a fifth of a session's.
    /// </summary>
    internal const string PlaywrightFeatureSwitch = "--disable-features=AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose," +
        "DialMediaRouteProvider,GlobalMediaControls,HttpsUpgrades,LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning," +
        "BlockOriginHeaderModificationOnRedirect,AvoidCorsURLLoaderRestartOnRedirect,Translate,AutoDeElevate,OptimizationHints," +
        "NetworkTimeServiceQuerying,AimEnabled,msForceBrowserSignIn,msEdgeUpdateLaunchServicesPreferredVersion";

    internal const string FeatureSwitch = PlaywrightFeatureSwitch + ",WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup";

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
