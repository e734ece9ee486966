using Microsoft.Playwright;

namespace Paperboy.Tests.Infrastructure;

public static class PageArrival
{
    /// <summary>
    /// Waits until the page shows <paramref name="url"/> (a regular expression) and its document is parsed.
    /// Polls the URL instead of waiting for the navigation event: <c>WaitForURLAsync</c> after a click or an
    /// Enter misses a navigation that commits between its URL check and its subscription, which a busy
    /// machine made happen (the page sat on the right URL while the wait timed out).
    /// </summary>
    public static async Task ArriveAtAsync(this IPage page, string url, float timeout = 60_000)
    {
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(url), new() { Timeout = timeout });
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded, new() { Timeout = timeout });
    }
}
