using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Paperboy.Members;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Feed;

/// <summary>
/// Issue 16's feedback, wording and contrast items in the browser: focus rings and placeholders that can be seen,
/// the paper page's actions where the eye is and what they say back, anchors below the sticky header at every width,
/// exact author names, the not-found page, and display math that keeps its spacing.
/// </summary>
public sealed partial class SiteBrowserTests
{
    /// <summary>
    /// The colour drawn for the element (its outline, or its placeholder when <c>placeholder</c> is set) and the
    /// colour behind it, each as the screen shows it: translucent layers are painted on a canvas, back to front, so
    /// a 25 % ring counts as the faint colour it looks. Behind an outline (drawn outside the box) is the parent's
    /// background; behind a placeholder, the field's own. Returns [r, g, b of the front, r, g, b of the back].
    /// </summary>
    const string PaintedColours = """
        (el, placeholder) => {
          const canvas = document.createElement('canvas');
          canvas.width = canvas.height = 1;
          const ctx = canvas.getContext('2d', { willReadFrequently: true });
          const paint = (colour, alpha) => { ctx.globalAlpha = alpha; ctx.fillStyle = colour; ctx.fillRect(0, 0, 1, 1); };
          const layers = [];
          for (let e = placeholder ? el : el.parentElement; e; e = e.parentElement) layers.unshift(getComputedStyle(e).backgroundColor);
          paint('#fff', 1);
          layers.forEach(colour => paint(colour, 1));
          const back = [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
          const style = placeholder ? getComputedStyle(el, '::placeholder') : getComputedStyle(el);
          paint(placeholder ? style.color : style.outlineColor, placeholder ? Number(style.opacity) : 1);
          return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3), ...back];
        }
        """;

    [Fact]
    public async Task EveryFocusRingIsOpaqueAndStandsOutThreeToOneFromWhatIsBehindIt()
    {
        var problems = new List<string>();
        var page = await site.SignInAsync(SiteFixture.MemberEmail);
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await page.EmulateMediaAsync(new() { ColorScheme = scheme });
            // A link, the header's search box and an upvote button on a day; a button and a field on /settings.
            foreach (var (path, targets) in new[]
            {
                ("/papers/date/2025-11-20", new[] { "a.brand", "header form.search input", "form.upvote > button" }),
                ("/settings", new[] { ".settings form.inline button", "#token-name" }),
            })
            {
                await page.GotoAsync(site.Url(path));
                await page.Locator("#member-nav .member-name").WaitForAsync();
                foreach (var target in targets)
                {
                    var focused = await TabToAsync(page, target);
                    Assert.True(await focused.EvaluateAsync<bool>("e => e.matches(':focus-visible')"), $"{path} {target} is not focus-visible");
                    var width = await focused.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle === 'none' ? '0px' : getComputedStyle(e).outlineWidth");
                    var colours = await focused.EvaluateAsync<int[]>(PaintedColours, false);
                    var ratio = Contrast(colours);
                    if (double.Parse(width.Replace("px", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) < 2 || ratio < 3)
                        problems.Add($"{scheme} {path} {target}: outline {width}, {ratio:0.00}:1 ({string.Join(',', colours)})");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Empty(site.Browser.Errors);
    }

    [Fact]
    public async Task EveryPlaceholderReadsFourAndAHalfToOneOnItsField()
    {
        var problems = new List<string>();
        var reader = await site.Browser.NewPageAsync(1280, 900);
        var member = await site.SignInAsync(SiteFixture.MemberEmail);
        var seen = 0;
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            await reader.EmulateMediaAsync(new() { ColorScheme = scheme });
            await member.EmulateMediaAsync(new() { ColorScheme = scheme });
            foreach (var (page, path) in new[] { (reader, "/search?q=video+generation"), (reader, "/login"), (member, "/settings"), (member, "/submit") })
            {
                await page.GotoAsync(site.Url(path));
                foreach (var field in await page.Locator("input[placeholder], textarea[placeholder]").AllAsync())
                {
                    var colours = await field.EvaluateAsync<int[]>(PaintedColours, true);
                    var ratio = Contrast(colours);
                    seen++;
                    if (ratio < 4.5)
                        problems.Add($"{scheme} {path} {await field.EvaluateAsync<string>("e => e.outerHTML.slice(0, 100)")}: {ratio:0.00}:1 ({string.Join(',', colours)})");
                }
            }
        }
        Assert.True(seen >= 8, $"only {seen} placeholders looked at");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Empty(site.Browser.Errors);
    }

    [Fact]
    public async Task APaperPagesActionsSitWithTheUpvoteAndSayWhatTheyDidAndTheSettingsGiveFeedback()
    {
        // A member of their own, so the counts and the blend's wording do not depend on what other tests did.
        const string email = "feedback@example.org";
        await site.App.Services.GetRequiredService<MemberStore>().CreateAsync(email, "feedback", SiteFixture.Password, admin: false);
        var page = await site.SignInAsync(email);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);

        await page.GotoAsync(site.Url("/library"));
        await page.FillAsync("#collection-name", "Morning reads");
        await page.ClickAsync("form button:has-text('Create')");
        await page.ArriveAtAsync(Regex.Escape("/collections/") + @"\d+$");

        // Save, Add to and Not interested come right after the upvote and the links, before the abstract (and so
        // before the similar papers, which follow it).
        await page.GotoAsync(site.Url($"/papers/{site.UpvotePaper}"));
        var order = await page.EvaluateAsync<double[]>("""
            () => ['.paper-head form.upvote', '.paper .links', '.paper-actions', 'form.paper-not-interested', '.paper-abstract']
              .map(s => document.querySelector(s).getBoundingClientRect().top)
            """);
        Assert.True(order.Zip(order.Skip(1)).All(p => p.First < p.Second), "top edges, in reading order: " + string.Join(", ", order));
        Assert.True(await page.Locator(".paper-actions button", new() { HasText = "Save to library" }).IsVisibleAsync());
        Assert.True(await page.Locator(".paper-actions .add-to-collection select").IsVisibleAsync());
        Assert.True(await page.Locator("form.paper-not-interested button", new() { HasText = "Not interested" }).IsVisibleAsync());
        Assert.True(await page.EvaluateAsync<bool>("""
            () => [...document.querySelectorAll('.similar-papers')].every(s =>
              document.querySelector('form.paper-not-interested').compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING)
            """));
        await page.SelectOptionAsync("#collection", new SelectOptionValue { Label = "Morning reads" });
        await page.ClickAsync(".add-to-collection button");
        await Assertions.Expect(page.Locator(".paper-actions a.in-collection")).ToHaveTextAsync("✓ in Morning reads");

        await page.GotoAsync(site.Url("/library"));
        await Assertions.Expect(page.Locator(".collections li", new() { HasText = "Morning reads" })).ToContainTextAsync("· 1 paper ·");

        await page.GotoAsync(site.Url("/for-you"));
        Assert.Contains("community. Change the blend", await page.Locator("p.lead").InnerTextAsync(), StringComparison.Ordinal);

        // The blend is a labelled slider whose words follow it as it moves.
        await page.GotoAsync(site.Url("/settings"));
        var blend = page.Locator("#personal-blend");
        Assert.Equal("range", await blend.GetAttributeAsync("type"));
        Assert.True(await page.Locator("label[for=personal-blend]").IsVisibleAsync());
        var personal = int.Parse(await blend.InputValueAsync(), CultureInfo.InvariantCulture);
        await Assertions.Expect(page.Locator("#blend-value")).ToHaveTextAsync($"{personal}% personal, {100 - personal}% community");
        await blend.FocusAsync();
        await page.Keyboard.PressAsync(personal < 100 ? "ArrowRight" : "ArrowLeft");
        var moved = personal < 100 ? personal + 5 : personal - 5;
        await Assertions.Expect(page.Locator("#blend-value")).ToHaveTextAsync($"{moved}% personal, {100 - moved}% community");
        Assert.Equal($"{moved}% personal, {100 - moved}% community", await blend.GetAttributeAsync("aria-valuetext"));

        // A new token's copy button puts the token on the clipboard and says so.
        await page.FillAsync("#token-name", "notebook");
        await page.ClickAsync("form button:has-text('Create token')");
        var token = (await page.Locator("#new-token").InnerTextAsync()).Trim();
        await page.ClickAsync(".new-token button.copy");
        await Assertions.Expect(page.Locator(".new-token button.copy")).ToHaveTextAsync("Copied ✓");
        Assert.Equal(token, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        // Subscribing to the digest says it waits for the mailed confirmation.
        await page.Locator("#digest button", new() { HasText = "Subscribe" }).ClickAsync();
        await Assertions.Expect(page.Locator("#digest [role=status]", new() { HasText = "Waiting for confirmation" })).ToBeVisibleAsync();
        Assert.Empty(site.Browser.Errors);
    }

    [Fact]
    public async Task AnAnchorLandsBelowTheStickyHeaderAtEveryWidth()
    {
        var page = await site.Browser.NewPageAsync(1280, 900);
        // Widths where the header is one row, wraps into two (641–860 px), and a phone's.
        foreach (var width in new[] { 1280, 1024, 860, 768, 700, 641, 390 })
        {
            // A low window, so the page can scroll the discussion right up under the header.
            await page.SetViewportSizeAsync(width, 360);
            await page.GotoAsync(site.Url($"/papers/{site.UpvotePaper}#comments"));
            var (header, target, scrolled) = await page.EvaluateAsync<double[]>("""
                () => [document.querySelector('.site-header').getBoundingClientRect().bottom,
                       document.getElementById('comments').getBoundingClientRect().top, window.scrollY]
                """) switch { var m => (m[0], m[1], m[2]) };
            Assert.True(scrolled > 0, $"at {width}px the page did not scroll to #comments");
            Assert.True(target >= header, $"at {width}px #comments starts at {target}px, under the header that ends at {header}px");
        }
        Assert.Empty(site.Browser.Errors);
    }

    [Fact]
    public async Task SearchingAnAuthorsFullNameFindsOnlyTheirPapers()
    {
        var page = await SearchFromTheHeaderAsync("author:\"Jie Wu\"");

        // The fixture's paper and the one real paper of the imported days with a "Jie Wu" among its 21 authors
        // (2508.18106); not the paper by Jie Jiang and Liang Wu.
        var found = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('.card .card-title a')].map(a => a.getAttribute('href'))");
        Assert.Equal([$"/papers/{SiteFixture.JieWuPaper}", "/papers/2508.18106"], found.Order(StringComparer.Ordinal));
        Assert.Empty(site.Browser.Errors);
    }

    [Fact]
    public async Task AnUnknownAddressAnswersTheSitesOwnNotFoundPageWithNoSeriousAccessibilityViolation()
    {
        var page = await site.Browser.NewPageAsync(1280, 900, expectedNotFound: site.Url("/no/such/page"));
        var response = await page.GotoAsync(site.Url("/no/such/page"));
        Assert.Equal(404, response!.Status);
        Assert.StartsWith("text/html", await response.HeaderValueAsync("content-type") ?? "", StringComparison.Ordinal);
        Assert.Equal("Page not found", (await page.Locator("main h1").InnerTextAsync()).Trim());
        Assert.True(await page.Locator("header.site-header form.search input").IsVisibleAsync());
        Assert.Equal(4, await page.Locator("header .tabs a").CountAsync());
        var violations = await Axe.SeriousAsync(page);
        Assert.True(violations.Count == 0, string.Join('\n', violations));
        Assert.Empty(site.Browser.Errors);
    }

    [Fact]
    public async Task DisplayMathInACommentKeepsItsThinSpace()
    {
        using var member = site.Bearer(site.MemberToken);
        var posted = await member.PostAsJsonAsync($"/api/papers/{site.MathPaper}/comments", new { body = @"Thin space: $$a\,b$$" });
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());

        var page = await site.Browser.NewPageAsync(1280, 900);
        await page.GotoAsync(site.Url($"/papers/{site.MathPaper}"));
        var comment = page.Locator(".comment-body", new() { HasText = "Thin space" });
        var annotation = comment.Locator(".katex-display annotation[encoding='application/x-tex']");
        await Assertions.Expect(annotation).ToHaveTextAsync(@"a\,b", new() { Timeout = 10000 });
        Assert.Empty(site.Browser.Errors);
    }

    /// <summary>A new page on the home page, with <paramref name="query"/> typed into the header's search box and sent.</summary>
    async Task<IPage> SearchFromTheHeaderAsync(string query)
    {
        var page = await site.Browser.NewPageAsync(1280, 900);
        await page.GotoAsync(site.Url("/"));
        await page.FillAsync("header form.search input", query);
        await page.Keyboard.PressAsync("Enter");
        // The results' document is what is asserted, not its fonts and scripts; and the engine's test pass shares two
        // cores with an embedding test, so the wait is generous (it ends as soon as the page is there).
        await page.ArriveAtAsync(Regex.Escape("/search?"), timeout: 90_000);
        return page;
    }

    /// <summary>Presses Tab until the element <paramref name="selector"/> names has the focus, as a keyboard user gets there.</summary>
    static async Task<ILocator> TabToAsync(IPage page, string selector)
    {
        for (var presses = 0; presses < 80; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement === document.querySelector(s)", selector))
                return page.Locator(selector).First;
        }
        Assert.Fail($"80 presses of Tab never reached {selector}");
        return null!;
    }

    /// <summary>WCAG's contrast ratio of [r, g, b, r, g, b], from the sRGB values' relative luminance.</summary>
    static double Contrast(int[] colours)
    {
        static double Luminance(IEnumerable<int> rgb) => rgb.Select(c => c / 255.0)
            .Select(c => c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4))
            .Zip([0.2126, 0.7152, 0.0722], (c, w) => c * w).Sum();
        var (a, b) = (Luminance(colours.Take(3)), Luminance(colours.Skip(3)));
        return (Math.Max(a, b) + 0.05) / (Math.Min(a, b) + 0.05);
    }
}
