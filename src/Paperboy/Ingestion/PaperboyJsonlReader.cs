using System.Text.Json;
using Paperboy.Papers;

namespace Paperboy.Ingestion;

/// <summary>
/// The <c>paperboy</c> format (SPEC §4): JSON Lines, one paper a line. Also reads
/// <c>corpus-arxiv-daily</c> (<c>summary</c>, <c>abs</c>, <c>pdf</c>, <c>comment</c>) and the
/// <c>ir/*/docs.jsonl</c> collections.
/// </summary>
public sealed class PaperboyJsonlReader : IPaperReader
{
    public string Format => "paperboy";

    public IEnumerable<ReadResult> Read(Stream stream, string path) =>
        JsonLines.Read(stream, Parse);

    static ImportedPaper Parse(JsonElement e)
    {
        var rawId = JsonFields.String(e, "id") ?? throw new FormatException("missing \"id\"");
        // The title must be there but may be empty: real collections have untitled records (Cranfield).
        if (!e.TryGetProperty("title", out _)) throw new FormatException("missing \"title\"");
        var title = SourceText.Collapse(JsonFields.String(e, "title")) ?? "";
        var parsedId = ArxivId.Parse(rawId);
        var id = parsedId?.Id ?? rawId.Trim();
        var daily = JsonFields.Date(e, "daily_date");
        return new ImportedPaper
        {
            Id = id,
            Title = title,
            Abstract = SourceText.Collapse(JsonFields.String(e, "abstract") ?? JsonFields.String(e, "summary")),
            Authors = JsonFields.StringList(e, "authors"),
            // A missing date is left to CatalogWriter, which takes it from the id's YYMM (SPEC §4)
            // only when no source gave a real one: the guess must not overwrite Hugging Face's date.
            Published = JsonFields.Date(e, "published"),
            Categories = JsonFields.StringList(e, "categories"),
            AbsUrl = JsonFields.String(e, "url") ?? JsonFields.String(e, "abs"),
            PdfUrl = JsonFields.String(e, "pdf_url") ?? JsonFields.String(e, "pdf"),
            CodeUrl = JsonFields.String(e, "code_url"),
            ProjectUrl = JsonFields.String(e, "project_url"),
            Comments = JsonFields.String(e, "comment") ?? JsonFields.String(e, "comments"),
            Upvotes = JsonFields.Int(e, "upvotes"),
            Version = parsedId?.Version,
            Daily = daily is { } d ? new DailyFeature(d) : null,
        };
    }
}
