using System.Text;
using System.Text.Json;

namespace Paperboy.Ingestion;

/// <summary>Streams JSON Lines: one object a line, blank lines skipped, each bad line reported by number.</summary>
public static class JsonLines
{
    public static IEnumerable<ReadResult> Read(Stream stream, Func<JsonElement, ImportedPaper> parse)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        long line = 0;
        while (true)
        {
            string? text;
            string? ioError = null;
            try { text = reader.ReadLine(); }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                // A truncated or corrupt .gz: everything before this point is kept.
                text = null;
                ioError = $"unreadable after this line: {ex.Message}";
            }
            if (ioError is not null) { yield return ReadResult.Bad(line + 1, ioError); yield break; }
            if (text is null) yield break;
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            ReadResult result;
            try
            {
                using var doc = JsonDocument.Parse(text);
                result = doc.RootElement.ValueKind == JsonValueKind.Object
                    ? ReadResult.Ok(line, parse(doc.RootElement))
                    : ReadResult.Bad(line, $"expected a JSON object, got {doc.RootElement.ValueKind}");
            }
            catch (JsonException ex) { result = ReadResult.Bad(line, $"invalid JSON: {JsonErrors.Describe(ex)}"); }
            catch (FormatException ex) { result = ReadResult.Bad(line, ex.Message); }
            yield return result;
        }
    }
}

static class JsonErrors
{
    /// <summary>System.Text.Json messages end with a path and position; keep only the reason.</summary>
    public static string Describe(JsonException ex)
    {
        var message = ex.Message;
        // Reader errors end with " LineNumber: …" instead, relative to a buffer when streaming.
        foreach (var tail in new[] { " Path:", " LineNumber:" })
        {
            var cut = message.IndexOf(tail, StringComparison.Ordinal);
            if (cut > 0) message = message[..cut];
        }
        return message.TrimEnd('.', ' ');
    }
}
