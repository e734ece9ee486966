using System.Text;
using Paperboy.Feed;

namespace Paperboy.Papers;

/// <summary>
/// A paper as Markdown, for tools and language models (<c>/papers/{id}.md</c>, like huggingface.co's):
/// a title, a list of facts, the AI summary and the abstract. Source text is untrusted, so Markdown's
/// active characters in it are escaped (no text becomes a link, image or HTML) and only http(s) URLs are linked.
/// </summary>
public static class PaperMarkdown
{
    public static string Write(Paper paper, HfPaper hf)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(Escape(paper.Title)).Append("\n\n");
        Fact(md, "Paper id", Escape(paper.Id));
        if (paper.AbsLink is { } abs && SafeUrl.Http(abs) is { } absUrl) Fact(md, "arXiv", Link(absUrl));
        if (paper.PdfLink is { } pdf && SafeUrl.Http(pdf) is { } pdfUrl) Fact(md, "PDF", Link(pdfUrl));
        if (paper.AuthorList.Count > 0) Fact(md, "Authors", string.Join(", ", paper.AuthorList.Select(Escape)));
        if (paper.Published is { } published) Fact(md, "Published", published);
        if (paper.CategoryList.Count > 0) Fact(md, "Categories", Escape(string.Join(" ", paper.CategoryList)));
        if (hf.SubmittedOnDailyAt is { } at)
            Fact(md, "On the daily list", at[..10] + (hf.SubmittedOnDailyBy is { } by ? " (submitted by " + Escape(by.User) + ")" : ""));
        Fact(md, "Upvotes", paper.Upvotes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (SafeUrl.Http(paper.CodeUrl) is { } code)
            Fact(md, "Code", Link(code) + (paper.GithubStars is { } stars ? $" ({stars} stars)" : ""));
        if (SafeUrl.Http(paper.ProjectUrl) is { } project) Fact(md, "Project page", Link(project));
        if (paper.KeywordList.Count > 0) Fact(md, "Keywords", string.Join(", ", paper.KeywordList.Select(Escape)));
        if (paper.Withdrawn) Fact(md, "Status", "withdrawn");
        if (!string.IsNullOrWhiteSpace(paper.AiSummary)) md.Append("\n## AI summary\n\n").Append(Escape(paper.AiSummary)).Append('\n');
        md.Append("\n## Abstract\n\n").Append(string.IsNullOrWhiteSpace(paper.Abstract) ? "(no abstract)" : Escape(paper.Abstract)).Append('\n');
        return md.ToString();
    }

    static void Fact(StringBuilder md, string name, string value) => md.Append("- **").Append(name).Append(":** ").Append(value).Append('\n');

    // An autolink: the URL is already absolute http(s) and percent-encoded, so it cannot close the brackets.
    static string Link(string url) => "<" + url + ">";

    /// <summary>
    /// Backslash-escapes what Markdown would act on inside a line (emphasis, code, links, HTML), and a line
    /// start that would make a heading, list, quote or rule. Hyphens and dots inside words stay readable.
    /// </summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (i > 0) sb.Append('\n');
            var body = line.TrimStart();
            var digits = body.TakeWhile(char.IsAsciiDigit).Count();
            if (body.Length > 0 && "#-+=".Contains(body[0], StringComparison.Ordinal)) sb.Append('\\');
            else if (digits > 0 && digits < body.Length && body[digits] is '.' or ')') { sb.Append(body, 0, digits).Append('\\'); body = body[digits..]; }
            foreach (var ch in body)
            {
                if ("\\`*_[]<>".Contains(ch, StringComparison.Ordinal)) sb.Append('\\');
                sb.Append(ch);
            }
        }
        return sb.ToString();
    }
}
