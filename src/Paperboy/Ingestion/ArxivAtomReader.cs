using System.Xml.Linq;
using Paperboy.Papers;

namespace Paperboy.Ingestion;

/// <summary>
/// The <c>arxiv-atom</c> format (SPEC §4): an arXiv API response (<c>export.arxiv.org/api/query</c>),
/// old style (2016: namespaces declared on each element) or new (namespaces on the root). A feed with
/// no entries is a valid answer that matched nothing, so it yields nothing and is not an error.
/// </summary>
public sealed class ArxivAtomReader : IPaperReader
{
    static readonly IReadOnlySet<string> Records = new HashSet<string> { "entry" };

    public string Format => "arxiv-atom";

    public IEnumerable<ReadResult> Read(Stream stream, string path) =>
        XmlRecords.Read(stream, "feed", "an arXiv Atom feed", Records, Parse);

    static ReadResult? Parse(XElement entry, long position)
    {
        var rawId = XmlRecords.Text(entry, "id") ?? throw new FormatException("entry without <id>");
        // arXiv answers a bad query with HTTP 400 and one entry describing the error, e.g.
        // <id>https://arxiv.org/api/errors#incorrect_id_format_for_abc</id><summary>incorrect id format for abc</summary>.
        if (rawId.Contains("/api/errors", StringComparison.Ordinal))
            return ReadResult.Bad(position, $"arXiv API error: {XmlRecords.Text(entry, "summary") ?? rawId}");

        var parsedId = ArxivId.Parse(rawId) ?? throw new FormatException($"entry <id> is not an arXiv id: {rawId}");
        var title = XmlRecords.Text(entry, "title") ?? throw new FormatException($"paper {parsedId.Id}: missing <title>");
        var (abs, pdf) = SourceText.ArxivLinks(parsedId.Id);

        // The primary category first, then the cross-lists in feed order.
        var categories = new List<string>();
        if (XmlRecords.Child(entry, "primary_category")?.Attribute("term")?.Value is { Length: > 0 } primary) categories.Add(primary);
        foreach (var c in XmlRecords.Children(entry, "category"))
        {
            if (c.Attribute("term")?.Value is { Length: > 0 } term && !categories.Contains(term)) categories.Add(term);
        }

        return ReadResult.Ok(position, new ImportedPaper
        {
            Id = parsedId.Id,
            Title = title,
            Abstract = XmlRecords.Text(entry, "summary"),
            Authors = XmlRecords.Children(entry, "author")
                .Select(a => XmlRecords.Text(a, "name"))
                .OfType<string>()
                .ToList(),
            Published = SourceText.Date(XmlRecords.Text(entry, "published"), "published"),
            Updated = SourceText.Date(XmlRecords.Text(entry, "updated"), "updated"),
            Categories = categories,
            AbsUrl = abs,
            PdfUrl = pdf,
            Comments = XmlRecords.Text(entry, "comment"),
            JournalRef = XmlRecords.Text(entry, "journal_ref"),
            Doi = XmlRecords.Text(entry, "doi"),
            Version = parsedId.Version,
        });
    }
}
