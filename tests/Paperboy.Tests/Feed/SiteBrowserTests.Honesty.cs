using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Feed;

/// <summary>
/// Issue 16's second round in the browser: search that says when it found nothing, one count for every
/// sort, no category box the catalog cannot fill, times that read "ago" without JavaScript, "Not interested"
/// on the paper page, dark mode under axe-core, and the README's screenshot.
/// </summary>
public sealed partial class SiteBrowserTests
{
    [Fact]
    public async Task ANonsenseSearchSaysNothingWasFoundAndOffersOneWordAtATime()
    {
        var page = await SearchFromTheHeaderAsync("xyzzy quantum banana lasagna");

        Assert.Contains("No papers found", await page.Locator(".empty h2").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator(".card").CountAsync());
        var words = await page.Locator(".empty .suggestions a").AllInnerTextsAsync();
        Assert.Equal(["xyzzy", "quantum", "banana", "lasagna"], words);
        Assert.Equal("/search?q=quantum", await page.Locator(".empty .suggestions a", new() { HasText = "quantum" }).GetAttributeAsync("href"));
        Assert.Empty(site.Browser.Errors);
    }

    [Fact]
    public async Task EverySortCountsTheSamePapersAndACatalogWithoutCategoriesOffersNoCategoryFilter()
    {
        var page = await site.Browser.NewPageAsync(1280, 900);
        var counts = new List<string>();
        foreach (var sort in new[] { "relevance", "newest", "upvotes" })
        {
            await page.GotoAsync(site.Url($"/search?q=video+generation&sort={sort}"));
            counts.Add(Regex.Match(await page.Locator(".feed-head .sub").First.InnerTextAsync(), @"^[\d,]+ papers?( or more)?").Value);
        }
        Assert.NotEqual("", counts[0]);
        Assert.All(counts, c => Assert.Equal(counts[0], c));

        // These papers come from Hugging Face and carry no arXiv categories: a category box could only give nothing.
        await page.Locator("details.filters summary").ClickAsync();
        Assert.Equal(0, await page.Locator("[name=category]").CountAsync());
        Assert.True(await page.Locator("form.search-filters [name=author]").IsVisibleAsync());
        Assert.Empty(site.Browser.Errors);
    }

    [Fact]
    public async Task TimesReadAgoWithTheExactTimeOnHoverEvenWithoutJavaScript()
    {
        using var member = site.Bearer(site.MemberToken);
        var posted = await member.PostAsJsonAsync($"/api/papers/{site.UpvotePaper}/comments", new { body = "When was this posted?" });
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());

        var page = await site.Browser.NewPageAsync(1280, 900, javaScript: false);
        await page.GotoAsync(site.Url($"/papers/{site.UpvotePaper}"));
        var time = page.Locator(".comment", new() { HasText = "When was this posted?" }).Locator("time.relative");
        Assert.Matches(@"^(just now|\d+ min ago)$", (await time.InnerTextAsync()).Trim());
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$", await time.GetAttributeAsync("title") ?? "");
        Assert.Matches(@"^\d{4}-\d\d-\d\dT", await time.GetAttributeAsync("datetime") ?? "");

        // A card's featured time from last year says its date, not a raw timestamp.
        await page.GotoAsync(site.Url("/papers/date/2025-11-20"));
        var featured = page.Locator(".card time.relative").First;
        Assert.Matches(@"^[A-Z][a-z]{2} \d{1,2}(, \d{4})?$", (await featured.InnerTextAsync()).Trim());
        Assert.EndsWith(" UTC", await featured.GetAttributeAsync("title") ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotInterestedWorksOnThePaperPageAndCanBeUndone()
    {
        var page = await site.SignInAsync(SiteFixture.VoterEmail);
        await page.GotoAsync(site.Url($"/papers/{site.MathPaper}"));
        var form = page.Locator("form.paper-not-interested");
        await form.Locator("button", new() { HasText = "Not interested" }).ClickAsync();
        await page.ArriveAtAsync("^" + Regex.Escape(site.Url($"/papers/{site.MathPaper}")) + "$");
        Assert.Contains("will not be recommended", await form.Locator("[role=status]").InnerTextAsync(), StringComparison.Ordinal);

        // The mark is the member's: /for-you no longer offers the paper, and Undo takes it back.
        await page.GotoAsync(site.Url("/for-you"));
        Assert.Equal(0, await page.Locator($".card a[href='/papers/{site.MathPaper}']").CountAsync());
        await page.GotoAsync(site.Url($"/papers/{site.MathPaper}"));
        await form.Locator("button", new() { HasText = "Undo" }).ClickAsync();
        await form.Locator("button", new() { HasText = "Not interested" }).WaitForAsync();
        Assert.Empty(site.Browser.Errors);
    }

    [Fact]
    public async Task InDarkModeNoPageHasASeriousAccessibilityViolation()
    {
        var problems = new List<string>();
        var reader = await site.Browser.NewPageAsync(1280, 900);
        await reader.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        var member = await site.SignInAsync(SiteFixture.AdminEmail);
        await member.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        foreach (var (page, path) in new[]
        {
            (reader, "/papers/date/2025-11-20"), (reader, $"/papers/{site.MathPaper}"), (reader, "/search?q=video+generation"),
            (reader, "/search?q=xyzzy+quantum+banana+lasagna"), (reader, "/login"), (reader, "/subscribe"),
            (member, "/papers/date/2025-11-20"), (member, $"/papers/{site.SourceCommentedPaper}"), (member, "/settings"),
            (member, "/for-you"), (member, "/admin"),
        })
        {
            await page.GotoAsync(site.Url(path));
            await page.Locator("#member-nav .member-name, #member-nav .signin").First.WaitForAsync();
            // Dark mode is in force: the page background is dark, not the light theme's.
            var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
            var rgb = Regex.Matches(background, @"\d+").Take(3).Select(m => int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.True(rgb.Sum() < 200, $"{path}: body background {background} is not dark");
            await page.EvaluateAsync("() => document.querySelectorAll('details').forEach(d => d.open = true)");
            // The page walk runs every rule on these pages' templates in the light theme; here only the colours differ.
            problems.AddRange((await Axe.SeriousColourAsync(page)).Select(v => $"{path} (dark): {v}"));
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Empty(site.Browser.Errors);
    }

    /// <summary>
    /// The README's picture is this page as an admin sees it. Set PAPERBOY_SCREENSHOT to a path (docs/screenshot.png)
    /// to write it there; otherwise it goes to a temporary file and only what it must show is checked.
    /// </summary>
    [Fact]
    public async Task TheReadmeScreenshotShowsTheSignedInHeader()
    {
        var page = await site.SignInAsync(SiteFixture.AdminEmail);
        await page.GotoAsync(site.Url("/papers/date/2025-11-20"));
        await page.Locator("#member-nav .member-name").WaitForAsync();
        Assert.Equal(4, await page.Locator("header .tabs a").CountAsync());
        Assert.True(await page.Locator("header form.search input").IsVisibleAsync());
        var path = Environment.GetEnvironmentVariable("PAPERBOY_SCREENSHOT") is { Length: > 0 } set ? set
            : Path.Combine(Path.GetTempPath(), $"paperboy-screenshot-{Guid.NewGuid():N}.png"); // Playwright picks the format by extension
        var png = await page.ScreenshotAsync(new() { Path = path, Type = ScreenshotType.Png });
        Assert.Equal(1280, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(900, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
        output.WriteLine($"screenshot: {path}");
        Assert.Empty(site.Browser.Errors);
    }
}
