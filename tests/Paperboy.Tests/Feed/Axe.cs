using Deque.AxeCore.Commons;
using Microsoft.Playwright;

namespace Paperboy.Tests.Feed;

/// <summary>axe-core's WCAG 2.2 AA and best-practice rules, run on a page as it stands.</summary>
public static class Axe
{
    // axe-core itself, as Deque's package bundles it.
    static readonly string Source = new BundledAxeScriptProvider().GetScript();

    static readonly object Options = new
    {
        runOnly = new { type = "tag", values = new[] { "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice" } },
        // Violations only: listing every passing node of a 50-card page costs seconds per run.
        resultTypes = new[] { "violations" },
    };

    /// <summary>
    /// The serious and critical findings, each as "impact rule: help — the first nodes". axe is loaded into the
    /// page once and run there. The package's <c>RunAxe</c> loads it again on every run and opens a second page to
    /// merge the results of frames (these pages have none): ~1 s more a run, a minute over the walk of every page.
    /// </summary>
    public static Task<List<string>> SeriousAsync(IPage page) => SeriousAsync(page, Options);

    /// <summary>
    /// Only the rules a change of colours alone can change: for a page already checked whole, shown again in the
    /// other colour scheme (the markup, names and layout are the same; site.css's dark theme sets colours only).
    /// </summary>
    public static Task<List<string>> SeriousColourAsync(IPage page) => SeriousAsync(page, ColourOptions);

    static readonly object ColourOptions = new
    {
        runOnly = new { type = "rule", values = new[] { "color-contrast", "link-in-text-block" } },
        resultTypes = new[] { "violations" },
    };

    static async Task<List<string>> SeriousAsync(IPage page, object options)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
            await page.EvaluateAsync("() => { " + Source + " }");
        return [.. await page.EvaluateAsync<string[]>("""
            async options => (await axe.run(document, options)).violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map(n => n.html).join(' | ')}`)
            """, options)];
    }
}
