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
            catch (JsonException ex)
            {
                // GZipStream ends silently where a .gz was cut, so a cut file shows up as a last line
                // that more bytes would have completed; say so rather than blame the JSON.
                result = ReadResult.Bad(line, AtEnd(reader) && JsonErrors.IsIncomplete(text)
                    ? $"JSON ends mid-record (file cut short?): {JsonErrors.Describe(ex)}"
                    : $"invalid JSON: {JsonErrors.Describe(ex)}");
            }
            catch (FormatException ex) { result = ReadResult.Bad(line, ex.Message); }
            yield return result;
        }
    }

    static bool AtEnd(StreamReader reader)
    {
        try { return reader.EndOfStream; }
        catch (Exception ex) when (ex is InvalidDataException or IOException) { return true; }
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

    /// <summary>True when the text is the start of a JSON value that more bytes would complete.</summary>
    public static bool IsIncomplete(string text)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return false;
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
