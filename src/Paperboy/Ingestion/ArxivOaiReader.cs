using System.Xml.Linq;
using Paperboy.Papers;

namespace Paperboy.Ingestion;

/// <summary>
/// The <c>arxiv-oai</c> format (SPEC §4): an OAI-PMH <c>ListRecords</c> or <c>GetRecord</c> response
/// with <c>metadataPrefix=arXiv</c>. The <c>resumptionToken</c> is for the harvester and ignored here.
/// </summary>
public sealed class ArxivOaiReader : IPaperReader
{
    static readonly IReadOnlySet<string> Records = new HashSet<string> { "record", "error" };

    public string Format => "arxiv-oai";

    public IEnumerable<ReadResult> Read(Stream stream, string path) =>
        XmlRecords.Read(stream, "OAI-PMH", "an OAI-PMH response", Records, Parse);

    static ReadResult? Parse(XElement element, long position)
    {
        if (element.Name.LocalName == "error")
        {
            var code = element.Attribute("code")?.Value ?? "unknown";
            // noRecordsMatch is how OAI-PMH says "nothing in this range": zero records, not a failure.
            return code == "noRecordsMatch"
                ? null
                : ReadResult.Bad(position, $"OAI-PMH error {code}: {SourceText.Collapse(element.Value) ?? "(no message)"}");
        }

        var header = XmlRecords.Child(element, "header");
        var deleted = header?.Attribute("status")?.Value == "deleted";
        var arxiv = XmlRecords.Child(element, "metadata") is { } metadata ? XmlRecords.Child(metadata, "arXiv") : null;
        // A deleted record carries only its header: there is no title to make a paper of, and
        // creating an empty one would be worse than skipping. With metadata it is imported as withdrawn.
        if (arxiv is null)
        {
            return deleted
                ? null
                : ReadResult.Bad(position, $"record {(header is null ? "" : XmlRecords.Text(header, "identifier") + " ")}has no <metadata><arXiv>");
        }

        var rawId = XmlRecords.Text(arxiv, "id")
            ?? (header is null ? null : XmlRecords.Text(header, "identifier")?.Replace("oai:arXiv.org:", "", StringComparison.Ordinal))
            ?? throw new FormatException("record without <id>");
        var parsedId = ArxivId.Parse(rawId);
        var id = parsedId?.Id ?? rawId;
        var title = XmlRecords.Text(arxiv, "title") ?? throw new FormatException($"paper {id}: missing <title>");
        var (abs, pdf) = SourceText.ArxivLinks(id);
        var authors = XmlRecords.Child(arxiv, "authors") is { } list
            ? XmlRecords.Children(list, "author").Select(Name).OfType<string>().ToList()
            : null;

        return ReadResult.Ok(position, new ImportedPaper
        {
            Id = id,
            Title = title,
            Abstract = XmlRecords.Text(arxiv, "abstract"),
            Authors = authors,
            Published = SourceText.Date(XmlRecords.Text(arxiv, "created"), "created"),
            Updated = SourceText.Date(XmlRecords.Text(arxiv, "updated"), "updated"),
            Categories = XmlRecords.Text(arxiv, "categories")?.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            AbsUrl = abs,
            PdfUrl = pdf,
            Comments = XmlRecords.Text(arxiv, "comments"),
            JournalRef = XmlRecords.Text(arxiv, "journal-ref"),
            Doi = XmlRecords.Text(arxiv, "doi"),
            License = XmlRecords.Text(arxiv, "license"),
            Version = parsedId?.Version,
            Withdrawn = deleted ? true : null,
        });
    }

    /// <summary>keyname + forenames + suffix → "Forenames Keyname Suffix"; a collaboration has only a keyname.</summary>
    static string? Name(XElement author) =>
        SourceText.Collapse(string.Join(' ', new[] { "forenames", "keyname", "suffix" }
            .Select(part => XmlRecords.Text(author, part))
            .OfType<string>()));
}
