using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace Paperboy.Syndication;

public enum FeedFormat { Rss, Atom, Json }

/// <summary>
/// Writes a <see cref="Feed"/> as RSS 2.0, Atom 1.0 or JSON Feed 1.1. Markup comes only from
/// XmlWriter and Utf8JsonWriter, which escape every value; HTML bodies are encoded before that.
/// </summary>
public static class FeedWriter
{
    public static bool TryParseFormat(string? extension, out FeedFormat format)
    {
        (var known, format) = extension switch
        {
            "rss" => (true, FeedFormat.Rss),
            "atom" => (true, FeedFormat.Atom),
            "json" => (true, FeedFormat.Json),
            _ => (false, default),
        };
        return known;
    }

    public static string Extension(FeedFormat format) => format switch { FeedFormat.Rss => "rss", FeedFormat.Atom => "atom", _ => "json" };

    public static string ContentType(FeedFormat format) => format switch
    {
        FeedFormat.Rss => "application/rss+xml; charset=utf-8",
        FeedFormat.Atom => "application/atom+xml; charset=utf-8",
        _ => "application/feed+json; charset=utf-8",
    };

    public static byte[] Write(Channel feed, FeedFormat format) => format switch
    {
        FeedFormat.Rss => Xml(w => WriteRss(w, feed)),
        FeedFormat.Atom => Xml(w => WriteAtom(w, feed)),
        _ => WriteJson(feed),
    };

    /// <summary>RFC 822 dates, as RSS 2.0 requires (always GMT).</summary>
    public static string Rfc822(DateTimeOffset t) => t.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    /// <summary>RFC 3339 dates, as Atom and JSON Feed require.</summary>
    public static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    static byte[] Xml(Action<XmlWriter> write)
    {
        using var stream = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, CheckCharacters = true, Async = false };
        using (var writer = XmlWriter.Create(stream, settings)) write(writer);
        return stream.ToArray();
    }

    static void WriteRss(XmlWriter w, Channel feed)
    {
        const string AtomNs = "http://www.w3.org/2005/Atom";
        w.WriteStartDocument();
        w.WriteStartElement("rss");
        w.WriteAttributeString("version", "2.0");
        w.WriteAttributeString("xmlns", "atom", null, AtomNs);
        w.WriteStartElement("channel");
        w.WriteElementString("title", feed.Title);
        w.WriteElementString("link", feed.Page.AbsoluteUri);
        w.WriteElementString("description", feed.Description);
        w.WriteElementString("language", "en");
        w.WriteElementString("lastBuildDate", Rfc822(feed.Updated));
        w.WriteElementString("generator", "Paperboy");
        // The feed's own address, which RSS lacks and validators ask for.
        w.WriteStartElement("atom", "link", AtomNs);
        w.WriteAttributeString("href", feed.Self.AbsoluteUri);
        w.WriteAttributeString("rel", "self");
        w.WriteAttributeString("type", "application/rss+xml");
        w.WriteEndElement();
        foreach (var e in feed.Entries)
        {
            w.WriteStartElement("item");
            w.WriteElementString("title", e.Title);
            w.WriteElementString("link", e.Link.AbsoluteUri);
            w.WriteStartElement("guid");
            w.WriteAttributeString("isPermaLink", "true");
            w.WriteString(e.Id);
            w.WriteEndElement();
            w.WriteElementString("pubDate", Rfc822(e.Published));
            // RSS readers render description as HTML: it gets encoded HTML, which XmlWriter escapes once more.
            w.WriteElementString("description", e.Html);
            foreach (var c in e.Categories) w.WriteElementString("category", c);
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndDocument();
    }

    static void WriteAtom(XmlWriter w, Channel feed)
    {
        const string Ns = "http://www.w3.org/2005/Atom";
        w.WriteStartDocument();
        w.WriteStartElement("feed", Ns);
        w.WriteElementString("id", Ns, feed.Self.AbsoluteUri);
        Text(w, "title", feed.Title);
        Text(w, "subtitle", feed.Description);
        w.WriteElementString("updated", Ns, Rfc3339(feed.Updated));
        Link(w, "self", feed.Self, "application/atom+xml");
        Link(w, "alternate", feed.Page, "text/html");
        w.WriteStartElement("author", Ns);
        w.WriteElementString("name", Ns, "Paperboy");
        w.WriteEndElement();
        w.WriteElementString("generator", Ns, "Paperboy");
        foreach (var e in feed.Entries)
        {
            w.WriteStartElement("entry", Ns);
            w.WriteElementString("id", Ns, e.Id);
            Text(w, "title", e.Title);
            w.WriteElementString("published", Ns, Rfc3339(e.Published));
            w.WriteElementString("updated", Ns, Rfc3339(e.Updated));
            Link(w, "alternate", e.Link, "text/html");
            foreach (var a in e.Authors)
            {
                w.WriteStartElement("author", Ns);
                w.WriteElementString("name", Ns, a);
                w.WriteEndElement();
            }
            foreach (var c in e.Categories)
            {
                w.WriteStartElement("category", Ns);
                w.WriteAttributeString("term", c);
                w.WriteEndElement();
            }
            if (e.Summary.Length > 0) Text(w, "summary", e.Summary);
            w.WriteStartElement("content", Ns);
            w.WriteAttributeString("type", "html");
            w.WriteString(e.Html);
            w.WriteEndElement();
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndDocument();

        static void Text(XmlWriter w, string name, string value)
        {
            w.WriteStartElement(name, Ns);
            w.WriteAttributeString("type", "text");
            w.WriteString(value);
            w.WriteEndElement();
        }

        static void Link(XmlWriter w, string rel, Uri href, string type)
        {
            w.WriteStartElement("link", Ns);
            w.WriteAttributeString("rel", rel);
            w.WriteAttributeString("type", type);
            w.WriteAttributeString("href", href.AbsoluteUri);
            w.WriteEndElement();
        }
    }

    static byte[] WriteJson(Channel feed)
    {
        using var stream = new MemoryStream();
        // The default encoder escapes <, > and & too, so a feed opened in a browser cannot become markup.
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default }))
        {
            w.WriteStartObject();
            w.WriteString("version", "https://jsonfeed.org/version/1.1");
            w.WriteString("title", feed.Title);
            w.WriteString("home_page_url", feed.Page.AbsoluteUri);
            w.WriteString("feed_url", feed.Self.AbsoluteUri);
            w.WriteString("description", feed.Description);
            w.WriteString("language", "en");
            w.WriteStartArray("items");
            foreach (var e in feed.Entries)
            {
                w.WriteStartObject();
                w.WriteString("id", e.Id);
                w.WriteString("url", e.Link.AbsoluteUri);
                w.WriteString("title", e.Title);
                w.WriteString("content_html", e.Html);
                w.WriteString("content_text", e.Text);
                if (e.Summary.Length > 0) w.WriteString("summary", e.Summary);
                w.WriteString("date_published", Rfc3339(e.Published));
                w.WriteString("date_modified", Rfc3339(e.Updated));
                w.WriteStartArray("authors");
                foreach (var a in e.Authors)
                {
                    w.WriteStartObject();
                    w.WriteString("name", a);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("tags");
                foreach (var c in e.Categories) w.WriteStringValue(c);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }
}
