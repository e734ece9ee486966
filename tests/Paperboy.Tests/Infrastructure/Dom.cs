using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Paperboy.Tests.Infrastructure;

/// <summary>
/// Pages read as HTML documents (AngleSharp, the HTML5 parsing algorithm) so tests assert on elements,
/// attributes and text rather than on how the markup happens to be spelled: attribute order, quoting,
/// whitespace and entity encoding can change without a test breaking, while a missing element still fails.
/// Escaping checks stay on the raw text: an injected tag is best caught in the bytes the browser receives.
/// </summary>
public static class Dom
{
    /// <summary>Parses a page (or a fragment, wrapped in a document's body).</summary>
    public static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    public static async Task<(HttpStatusCode Status, IDocument Document)> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        return (response.StatusCode, Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>The one element matching the selector; fails naming the selector when there are none or several.</summary>
    public static IElement One(this IParentNode node, string selector)
    {
        var found = node.QuerySelectorAll(selector);
        Assert.True(found.Length == 1, $"expected exactly one '{selector}', found {found.Length}");
        return found[0];
    }

    /// <summary>Whether some element matches the selector.</summary>
    public static bool Has(this IParentNode node, string selector) => node.QuerySelector(selector) is not null;

    /// <summary>The href of every link under the node, in document order.</summary>
    public static IReadOnlyList<string> Hrefs(this IParentNode node) =>
        node.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!).ToList();

    /// <summary>The text of an element with runs of whitespace (Razor's line breaks and indentation) folded to one space.</summary>
    public static string CleanText(this INode node) => string.Join(' ', node.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// The words set in strong inside the innermost element whose text (whitespace folded) contains the sentence:
    /// "The <strong>daily</strong> digest goes to <strong>ada@example.org</strong>." is Emphasised("The daily digest goes to ada@example.org") = [daily, ada@example.org].
    /// </summary>
    public static IReadOnlyList<string> Emphasised(this IParentNode node, string sentence)
    {
        var holders = node.QuerySelectorAll("*")
            .Where(e => e.CleanText().Contains(sentence, StringComparison.Ordinal) && !e.Children.Any(c => c.CleanText().Contains(sentence, StringComparison.Ordinal)))
            .ToList();
        Assert.True(holders.Count == 1, $"expected one element saying '{sentence}', found {holders.Count}");
        return holders[0].QuerySelectorAll("strong").Select(s => s.TextContent).ToList();
    }

    /// <summary>
    /// What a strict Content-Security-Policy (script-src and style-src 'self', no 'unsafe-inline') would block,
    /// one description each: scripts without src, style elements and attributes, on* event handler attributes.
    /// </summary>
    public static IReadOnlyList<string> InlineCode(this IParentNode page) =>
        page.QuerySelectorAll("script:not([src]), style").Select(e => $"<{e.LocalName}> element")
            .Concat(page.QuerySelectorAll("*").SelectMany(e => e.Attributes
                .Where(a => a.Name == "style" || a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase))
                .Select(a => $"{a.Name} attribute on <{e.LocalName}>")))
            .ToList();

    /// <summary>The list card (li.card) whose title links to the paper.</summary>
    public static IElement Card(this IParentNode page, string paperId)
    {
        var cards = page.QuerySelectorAll("li.card").Where(li => li.Has($".card-title a[href='/papers/{paperId}']")).ToList();
        Assert.True(cards.Count == 1, $"expected one card for {paperId}, found {cards.Count}");
        return cards[0];
    }
}
