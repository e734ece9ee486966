using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Paperboy.Papers;

namespace Paperboy.Ingestion;

/// <summary>
/// The <c>arxiv-kaggle</c> format (SPEC §4): JSON Lines of Kaggle's <c>arxiv-metadata-oai-snapshot</c>.
/// Titles and abstracts come hard-wrapped with leading spaces; dates of versions are RFC 1123.
/// </summary>
public sealed partial class ArxivKaggleReader : IPaperReader
{
    public string Format => "arxiv-kaggle";

    public IEnumerable<ReadResult> Read(Stream stream, string path) => JsonLines.Read(stream, Parse);

    // "A, B and C" and "A, B, and C": the authors string when authors_parsed is missing.
    [GeneratedRegex(@"\s*,\s*(?:and\s+)?|\s+and\s+")]
    private static partial Regex AuthorSeparator();

    static ImportedPaper Parse(JsonElement e)
    {
        var rawId = JsonFields.String(e, "id") ?? throw new FormatException("missing \"id\"");
        var title = SourceText.Collapse(JsonFields.String(e, "title")) ?? throw new FormatException($"paper {rawId}: missing \"title\"");
        var parsedId = ArxivId.Parse(rawId);
        var id = parsedId?.Id ?? rawId.Trim();
        var (abs, pdf) = SourceText.ArxivLinks(id);
        var versions = Versions(e);
        return new ImportedPaper
        {
            Id = id,
            Title = title,
            Abstract = SourceText.Collapse(JsonFields.String(e, "abstract")),
            Authors = Authors(e),
            // The first version is the publication; the last is the latest version (update_date is
            // when the metadata last changed, e.g. a DOI added, so it is only a fallback).
            Published = versions.Count > 0 ? versions[0].Created : null,
            Updated = versions.Count > 0 ? versions[^1].Created : JsonFields.Date(e, "update_date"),
            Version = versions.Count > 0 ? versions[^1].Number : parsedId?.Version,
            Categories = JsonFields.StringList(e, "categories"),
            AbsUrl = abs,
            PdfUrl = pdf,
            Comments = SourceText.Collapse(JsonFields.String(e, "comments")),
            Doi = JsonFields.String(e, "doi"),
            JournalRef = SourceText.Collapse(JsonFields.String(e, "journal-ref")),
            License = JsonFields.String(e, "license"),
        };
    }

    static List<(DateOnly? Created, int Number)> Versions(JsonElement e)
    {
        var list = new List<(DateOnly?, int)>();
        if (!e.TryGetProperty("versions", out var versions) || versions.ValueKind != JsonValueKind.Array) return list;
        foreach (var v in versions.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Object) throw new FormatException("\"versions\" must be a list of objects");
            var created = SourceText.Date(JsonFields.String(v, "created"), "versions[].created");
            var label = JsonFields.String(v, "version")?.TrimStart('v', 'V');
            var number = int.TryParse(label, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : list.Count + 1;
            list.Add((created, number));
        }
        return list;
    }

    static List<string>? Authors(JsonElement e)
    {
        // authors_parsed has accents already decoded from LaTeX (Bal\'azs → Balázs): prefer it.
        if (e.TryGetProperty("authors_parsed", out var parsed) && parsed.ValueKind == JsonValueKind.Array && parsed.GetArrayLength() > 0)
        {
            var names = new List<string>(parsed.GetArrayLength());
            foreach (var author in parsed.EnumerateArray())
            {
                if (author.ValueKind != JsonValueKind.Array) throw new FormatException("\"authors_parsed\" must be a list of [last, first, suffix]");
                var parts = author.EnumerateArray()
                    .Select(p => p.ValueKind == JsonValueKind.String ? p.GetString() : null)
                    .ToList();
                // [last, first, suffix] → "First Last Suffix"
                var ordered = new[] { parts.ElementAtOrDefault(1), parts.ElementAtOrDefault(0), parts.ElementAtOrDefault(2) };
                var name = SourceText.Collapse(string.Join(' ', ordered.Where(p => !string.IsNullOrWhiteSpace(p))));
                if (name is not null) names.Add(name);
            }
            return names;
        }
        var text = SourceText.Collapse(JsonFields.String(e, "authors"));
        return text is null
            ? null
            : AuthorSeparator().Split(text).Select(a => a.Trim()).Where(a => a.Length > 0).ToList();
    }
}
