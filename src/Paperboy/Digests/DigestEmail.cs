using System.Globalization;
using System.Net;
using System.Text;
using Paperboy.Papers;
using Paperboy.Syndication;

namespace Paperboy.Digests;

public sealed record EmailContent(string Subject, string Html, string Text);

/// <summary>
/// The digest and confirmation emails. HTML with inline styles only (mail clients drop style
/// sheets), no script and no remote image, so opening a mail tells nobody anything. Every value
/// that came from outside goes through <see cref="WebUtility.HtmlEncode"/>.
/// </summary>
public static class DigestEmail
{
    const string Body = "margin:0;padding:24px;background:#f6f6f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1d1d1b";
    const string Card = "max-width:640px;margin:0 auto;background:#ffffff;border:1px solid #e2e2dc;border-radius:8px;padding:24px";
    const string Muted = "color:#6b6b66;font-size:13px;line-height:1.5";

    /// <summary>
    /// A digest for every recipient of one kind and period. The unsubscribe address differs per
    /// recipient, so the body holds <paramref name="unsubscribePlaceholder"/> where it goes; the
    /// placeholder is random per run, so no paper title can contain it.
    /// </summary>
    /// <param name="sections">A member's own sections (recommendations, saved-search alerts), shown above the community list.</param>
    public static EmailContent Digest(DigestKind kind, Period period, IReadOnlyList<DailyItem> items, int total, Uri site, string unsubscribePlaceholder,
        IReadOnlyList<DigestSection>? sections = null)
    {
        var label = kind == DigestKind.Daily ? "daily" : "weekly";
        var subject = items.Count == 0
            ? $"Paperboy {label}: new for you, {period.Title}"
            : kind == DigestKind.Daily
            ? $"Paperboy daily: {total} {Papers(total)} for {period.From.ToString("ddd, MMM d", CultureInfo.InvariantCulture)}"
            : $"Paperboy weekly: the top papers of {period.Key}";
        var periodUrl = new Uri(site, period.Path.TrimStart('/')).AbsoluteUri;

        var html = new StringBuilder(8 * 1024);
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>")
            .Append(E(subject)).Append("</title></head><body style=\"").Append(Body).Append("\"><div style=\"").Append(Card).Append("\">")
            .Append("<h1 style=\"font-size:20px;margin:0 0 4px\">").Append(E(period.Title)).Append("</h1>")
            .Append("<p style=\"").Append(Muted).Append(";margin:0 0 16px\">")
            .Append(kind == DigestKind.Daily ? "Today's papers, trending first." : "The week's most upvoted papers.").Append("</p>");
        var text = new StringBuilder(4 * 1024);
        text.Append(period.Title).Append("\n\n");

        foreach (var section in sections ?? []) AppendSection(html, text, section, site);
        if (sections is { Count: > 0 })
        {
            html.Append("<h2 style=\"font-size:17px;margin:20px 0 4px\">").Append(items.Count > 0 ? "From the community" : "Nothing new from the community this time").Append("</h2>");
            text.Append(items.Count > 0 ? "From the community\n==================\n\n" : "Nothing new from the community this time.\n\n");
        }

        var rank = 0;
        foreach (var item in items)
        {
            rank++;
            var p = item.Paper;
            var url = PaperLinks.For(site, p.Id).AbsoluteUri;
            var title = SafeText.Clean(p.Title).Trim();
            var authors = AuthorLine(p.AuthorList);
            var summary = Snippet(SafeText.Clean(p.AiSummary ?? p.Abstract), 280);
            html.Append("<div style=\"padding:12px 0;border-top:1px solid #eeeee8\">")
                .Append("<a href=\"").Append(E(url)).Append("\" style=\"font-size:16px;font-weight:600;color:#1a4fa0;text-decoration:none\">").Append(E(title)).Append("</a>")
                .Append("<div style=\"").Append(Muted).Append("\">").Append(E(authors)).Append(" · ").Append(Upvotes(p.Upvotes)).Append("</div>");
            if (summary.Length > 0) html.Append("<p style=\"font-size:14px;line-height:1.5;margin:6px 0 0\">").Append(E(summary)).Append("</p>");
            html.Append("</div>");

            text.Append(rank.ToString(CultureInfo.InvariantCulture)).Append(". ").Append(title).Append('\n')
                .Append("   ").Append(authors).Append(" · ").Append(Upvotes(p.Upvotes)).Append('\n')
                .Append("   ").Append(url).Append("\n\n");
        }
        if (total > items.Count)
        {
            var more = total - items.Count;
            html.Append("<p style=\"font-size:14px\"><a href=\"").Append(E(periodUrl)).Append("\" style=\"color:#1a4fa0\">")
                .Append(more.ToString(CultureInfo.InvariantCulture)).Append(" more on Paperboy</a></p>");
            text.Append(more.ToString(CultureInfo.InvariantCulture)).Append(" more: ").Append(periodUrl).Append("\n\n");
        }
        html.Append("<p style=\"").Append(Muted).Append(";border-top:1px solid #eeeee8;padding-top:12px;margin-top:16px\">You get this ").Append(label)
            .Append(" digest because you subscribed at <a href=\"").Append(E(site.AbsoluteUri)).Append("\" style=\"color:#6b6b66\">").Append(E(site.Host)).Append("</a>. ")
            .Append("<a href=\"").Append(unsubscribePlaceholder).Append("\" style=\"color:#6b6b66\">Unsubscribe</a></p></div></body></html>");
        text.Append("--\nYou get this ").Append(label).Append(" digest because you subscribed at ").Append(site.AbsoluteUri).Append('\n')
            .Append("Unsubscribe: ").Append(unsubscribePlaceholder).Append('\n');
        return new EmailContent(subject, html.ToString(), text.ToString());
    }

    /// <summary>A saved search's new matches as a mail of their own; the stop link turns this alert off (one click, RFC 8058).</summary>
    public static EmailContent Alert(DigestSection section, int total, Uri searchUrl, Uri site, string stopUrl)
    {
        var subject = "Paperboy alert: " + SafeText.Clean(section.Title);
        var html = new StringBuilder(4 * 1024);
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>")
            .Append(E(subject)).Append("</title></head><body style=\"").Append(Body).Append("\"><div style=\"").Append(Card).Append("\">");
        var text = new StringBuilder(2 * 1024);
        AppendSection(html, text, section, site);
        var search = searchUrl.AbsoluteUri;
        var more = total > section.Picks.Count ? $"All {total.ToString(CultureInfo.InvariantCulture)} new matches and the rest of the results" : "Run the search on Paperboy";
        html.Append("<p style=\"font-size:14px\"><a href=\"").Append(E(search)).Append("\" style=\"color:#1a4fa0\">").Append(E(more)).Append("</a></p>")
            .Append("<p style=\"").Append(Muted).Append(";border-top:1px solid #eeeee8;padding-top:12px;margin-top:16px\">You get this alert because you saved this search at <a href=\"")
            .Append(E(site.AbsoluteUri)).Append("\" style=\"color:#6b6b66\">").Append(E(site.Host)).Append("</a> and chose alerts by email. ")
            .Append("<a href=\"").Append(E(stopUrl)).Append("\" style=\"color:#6b6b66\">Stop this alert</a></p></div></body></html>");
        text.Append(more).Append(": ").Append(search).Append("\n\n--\nYou get this alert because you saved this search at ").Append(site.AbsoluteUri)
            .Append(" and chose alerts by email.\nStop this alert: ").Append(stopUrl).Append('\n');
        return new EmailContent(subject, html.ToString(), text.ToString());
    }

    /// <summary>A titled list of picks, each with its "why" line: a member's section of a digest, or the body of an alert.</summary>
    static void AppendSection(StringBuilder html, StringBuilder text, DigestSection section, Uri site)
    {
        var heading = SafeText.Clean(section.Title).Trim();
        html.Append("<h2 style=\"font-size:17px;margin:16px 0 4px\">").Append(E(heading)).Append("</h2>");
        text.Append(heading).Append('\n').Append(new string('=', Math.Min(60, heading.Length))).Append("\n\n");
        foreach (var pick in section.Picks)
        {
            var p = pick.Paper;
            var url = PaperLinks.For(site, p.Id).AbsoluteUri;
            var title = SafeText.Clean(p.Title).Trim();
            var authors = AuthorLine(p.AuthorList);
            var why = SafeText.Clean(pick.Why).Trim();
            html.Append("<div style=\"padding:10px 0;border-top:1px solid #eeeee8\">")
                .Append("<a href=\"").Append(E(url)).Append("\" style=\"font-size:16px;font-weight:600;color:#1a4fa0;text-decoration:none\">").Append(E(title)).Append("</a>")
                .Append("<div style=\"").Append(Muted).Append("\">").Append(E(authors)).Append("</div>");
            if (why.Length > 0) html.Append("<div style=\"").Append(Muted).Append(";font-style:italic\">").Append(E(why)).Append("</div>");
            html.Append("</div>");
            text.Append("* ").Append(title).Append("\n  ").Append(authors).Append('\n');
            if (why.Length > 0) text.Append("  ").Append(why).Append('\n');
            text.Append("  ").Append(url).Append("\n\n");
        }
    }

    /// <param name="account">The member who asked, named in the mail: confirming ties the subscription to that account.</param>
    public static EmailContent Confirmation(string frequency, Uri confirmUrl, Uri site, string? account = null)
    {
        // Say exactly what the click does: a click that hands the address to an account must name the account.
        var tie = account is null
            ? $" Clicking \u201cConfirm subscription\u201d sends the {frequency} digest to this address."
            : $" Clicking \u201cConfirm subscription\u201d sends the {frequency} digest to this address and gives the Paperboy account \u201c{account}\u201d control of it: that account can then change or stop this subscription from its settings. If \u201c{account}\u201d is not you, do not click.";
        var subject = "Confirm your Paperboy subscription";
        var url = confirmUrl.AbsoluteUri;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(subject)).Append("</title></head><body style=\"")
            .Append(Body).Append("\"><div style=\"").Append(Card).Append("\">")
            .Append("<h1 style=\"font-size:20px;margin:0 0 12px\">Confirm your subscription</h1>")
            .Append("<p style=\"font-size:15px;line-height:1.5\">Someone, hopefully you, asked for the ").Append(E(frequency))
            .Append(" Paperboy digest from ").Append(E(site.Host)).Append(" at this address.").Append(E(tie)).Append("</p>")
            .Append("<p><a href=\"").Append(E(url)).Append("\" style=\"display:inline-block;background:#1a4fa0;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none\">Confirm subscription</a></p>")
            .Append("<p style=\"").Append(Muted).Append("\">Or open this address: ").Append(E(url)).Append("<br>If you did not ask for it, ignore this mail: nothing will be sent.</p>")
            .Append("</div></body></html>");
        var text = $"Someone, hopefully you, asked for the {frequency} Paperboy digest from {site.Host} at this address.{tie}\n\n" +
                   $"Confirm: {url}\n\nIf you did not ask for it, ignore this mail: nothing will be sent.\n";
        return new EmailContent(subject, html.ToString(), text);
    }

    static string E(string value) => WebUtility.HtmlEncode(value);

    static string Papers(int n) => n == 1 ? "paper" : "papers";

    static string Upvotes(long n) => n == 1 ? "1 upvote" : $"{n.ToString(CultureInfo.InvariantCulture)} upvotes";

    static string AuthorLine(IReadOnlyList<string> authors)
    {
        var clean = authors.Select(a => SafeText.Clean(a).Trim()).Where(a => a.Length > 0).ToList();
        return clean.Count switch
        {
            0 => "Unknown authors",
            <= 3 => string.Join(", ", clean),
            _ => $"{string.Join(", ", clean.Take(3))} et al.",
        };
    }

    static string Snippet(string text, int max)
    {
        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length <= max) return text;
        var cut = text.LastIndexOf(' ', max);
        return text[..(cut > max / 2 ? cut : max)] + "…";
    }
}
