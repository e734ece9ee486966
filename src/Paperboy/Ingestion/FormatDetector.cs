using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Paperboy.Ingestion;

/// <summary>Guesses a file's format (SPEC §4) from its first bytes, after gunzipping.</summary>
public static class FormatDetector
{
    const int HeadBytes = 64 * 1024;

    /// <summary>A whole-instance export (<c>paperboy export</c>): restored, not merged like the paper formats.</summary>
    public const string ExportFormat = "paperboy-export";

    /// <summary>Opens a file for reading, gunzipping when it is gzip (by magic bytes, not only by name).</summary>
    public static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        var n = file.Read(magic);
        file.Position = 0;
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b
            ? new GzipEndCheck(file)
            : file;
    }

    /// <summary>The format name, or an error saying why the file is none of them.</summary>
    public static (string? Format, string? Error) Detect(string path)
    {
        byte[] head;
        try
        {
            using var stream = Open(path);
            head = new byte[HeadBytes];
            var read = 0;
            while (read < head.Length)
            {
                int n;
                // A file cut short is still recognised by what it starts with; the reader then reports the cut where it is.
                try { n = stream.Read(head, read, head.Length - read); }
                catch (InvalidDataException) when (read > 0) { break; }
                if (n == 0) break;
                read += n;
            }
            Array.Resize(ref head, read);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            return (null, $"unreadable: {ex.Message}");
        }
        return Detect(head);
    }

    public static (string? Format, string? Error) Detect(ReadOnlySpan<byte> head)
    {
        var text = Encoding.UTF8.GetString(head).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.Length == 0) return (null, "empty file");
        switch (text[0])
        {
            case '<':
                if (text.Contains("<OAI-PMH", StringComparison.Ordinal)) return ("arxiv-oai", null);
                if (text.Contains("<feed", StringComparison.Ordinal) && text.Contains("http://www.w3.org/2005/Atom", StringComparison.Ordinal))
                    return ("arxiv-atom", null);
                return (null, "XML that is neither an arXiv Atom feed nor an OAI-PMH response");
            case '[':
                return ("hf-daily", null);
            case '{':
                return (DetectObjects(text), null);
            default:
                return (null, "not JSON, JSON Lines or XML");
        }
    }

    /// <summary>
    /// A file of objects: JSON Lines (paperboy or Kaggle) when a line holds a whole object,
    /// else one pretty-printed Hugging Face paper object.
    /// </summary>
    static string DetectObjects(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var line in lines.Take(2))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                if (e.ValueKind != JsonValueKind.Object) continue;
                if (e.TryGetProperty("paperboy_export", out _)) return ExportFormat;
                if (e.TryGetProperty("authors_parsed", out _) || e.TryGetProperty("versions", out _) || e.TryGetProperty("update_date", out _))
                    return "arxiv-kaggle";
                if (e.TryGetProperty("publishedAt", out _) || e.TryGetProperty("paper", out _) || e.TryGetProperty("submittedOnDailyAt", out _))
                    return "hf-daily";
                return "paperboy";
            }
            catch (JsonException)
            {
                // Not a whole object on one line: try the next, then fall back to one big object.
            }
        }
        return lines.Length > 1 && lines[0] == "{" ? "hf-daily" : "paperboy";
    }
}
