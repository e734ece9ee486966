using Markdig;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Paperboy.Feed;

namespace Paperboy.Comments;

/// <summary>
/// Comments are Markdown from strangers. Raw HTML is never passed through (it is shown as text),
/// links keep only http and https targets (javascript:, data:, vbscript: and relative tricks become
/// plain text), images become links (no remote loads, no tracking pixels), and every link gets
/// <c>rel="nofollow ugc noopener noreferrer"</c>. Markdig escapes all text it emits.
/// <c>$…$</c> and <c>$$…$$</c> are math: Markdown leaves them alone (no <c>^</c> superscript, no lost
/// <c>\,</c>) and they come out as escaped LaTeX in <c>class="math"</c> elements, which the page's KaTeX
/// typesets like abstracts (<c>app.js</c>).
/// </summary>
public static class SafeMarkdown
{
    static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .UseMathematics()
        .Build();

    public static string ToHtml(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (!IsSafeUrl(link.Url))
            {
                Unwrap(link);
                continue;
            }
            link.IsImage = false;
            link.Title = null;
            link.GetAttributes().AddPropertyIfNotExist("rel", "nofollow ugc noopener noreferrer");
        }
        foreach (var autolink in document.Descendants<AutolinkInline>().ToList())
        {
            if (autolink.IsEmail || !IsSafeUrl(autolink.Url))
                autolink.ReplaceBy(new LiteralInline(autolink.Url));
            else
                autolink.GetAttributes().AddPropertyIfNotExist("rel", "nofollow ugc noopener noreferrer");
        }
        // Headings inside a comment would outrank the page's own; they render as emphasised paragraphs.
        foreach (var heading in document.Descendants<HeadingBlock>().ToList())
            heading.Level = Math.Max(heading.Level, 4);

        using var writer = new StringWriter();
        var renderer = new Markdig.Renderers.HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.ObjectRenderers.Replace<Markdig.Extensions.Mathematics.HtmlMathInlineRenderer>(new DisplayMathAwareRenderer());
        renderer.Render(document);
        return writer.ToString();
    }

    public static bool IsSafeUrl(string? url) => SafeUrl.Http(url) is not null;

    // A link to somewhere unsafe keeps its words and loses its target.
    static void Unwrap(LinkInline link)
    {
        Inline anchor = link;
        var child = link.FirstChild;
        while (child is not null)
        {
            var next = child.NextSibling;
            child.Remove();
            anchor.InsertAfter(child);
            anchor = child;
            child = next;
        }
        link.Remove();
    }
}

/// <summary>
/// Markdig writes <c>$$…$$</c> inside a paragraph as inline math (<c>\(…\)</c>); a reader who typed two dollars
/// asked for a displayed formula, so it gets <c>\[…\]</c>. The LaTeX is HTML-escaped either way.
/// </summary>
sealed class DisplayMathAwareRenderer : Markdig.Renderers.Html.HtmlObjectRenderer<Markdig.Extensions.Mathematics.MathInline>
{
    protected override void Write(Markdig.Renderers.HtmlRenderer renderer, Markdig.Extensions.Mathematics.MathInline math)
    {
        var display = math.DelimiterCount > 1;
        renderer.Write("<span class=\"math\">").Write(display ? "\\[" : "\\(");
        renderer.WriteEscape(ref math.Content);
        renderer.Write(display ? "\\]" : "\\)").Write("</span>");
    }
}
