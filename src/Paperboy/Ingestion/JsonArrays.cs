using System.Text.Json;

namespace Paperboy.Ingestion;

/// <summary>
/// Streams the items of a top-level JSON array, or one top-level object as the only record.
/// Memory holds one buffer (64 KB, or the largest item), never the file. A syntax error or a
/// file cut short cannot be resynchronised in an array, so it is reported once and reading stops,
/// after every complete item before it.
/// </summary>
public static class JsonArrays
{
    public static IEnumerable<ReadResult> Read(Stream stream, Func<JsonElement, ImportedPaper> parse)
    {
        var scanner = new Scanner(stream);
        long ordinal = 0;
        while (true)
        {
            var (record, error) = scanner.Next();
            if (error is not null) { yield return ReadResult.Bad(ordinal + 1, error); yield break; }
            if (record is not { } bytes) yield break;
            ordinal++;
            ReadResult result;
            try
            {
                using var doc = JsonDocument.Parse(bytes);
                result = doc.RootElement.ValueKind == JsonValueKind.Object
                    ? ReadResult.Ok(ordinal, parse(doc.RootElement))
                    : ReadResult.Bad(ordinal, $"expected a JSON object, got {doc.RootElement.ValueKind}");
            }
            catch (JsonException ex) { result = ReadResult.Bad(ordinal, $"invalid JSON: {JsonErrors.Describe(ex)}"); }
            catch (FormatException ex) { result = ReadResult.Bad(ordinal, ex.Message); }
            yield return result;
        }
    }

    /// <summary>Finds one complete item at a time with <see cref="Utf8JsonReader"/>, refilling its buffer as needed.</summary>
    sealed class Scanner(Stream stream)
    {
        enum Step { Found, NeedMore, Done }

        byte[] _buffer = new byte[64 * 1024];
        int _start, _end; // bytes not yet consumed: _buffer[_start.._end)
        bool _eof, _started, _done;
        JsonReaderState _state;

        /// <summary>The next item's bytes (valid until the next call), null at the end, or why reading stopped.</summary>
        public (ReadOnlyMemory<byte>? Record, string? Error) Next()
        {
            while (!_done)
            {
                Step step;
                ReadOnlyMemory<byte> record;
                try
                {
                    step = TryRead(_eof, out record);
                }
                catch (JsonException ex)
                {
                    _done = true;
                    // At the end of the file, a failure that more bytes would have cured is a cut, not a typo.
                    var cut = _eof && IsIncomplete();
                    return (null, cut ? $"JSON ends mid-record: {JsonErrors.Describe(ex)}" : $"invalid JSON: {JsonErrors.Describe(ex)}");
                }
                switch (step)
                {
                    case Step.Found: return (record, null);
                    case Step.Done: _done = true; return (null, null);
                }
                try
                {
                    Fill();
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException)
                {
                    // A truncated or corrupt .gz: the items before this point are kept.
                    _done = true;
                    return (null, $"file is cut short or corrupt: {ex.Message}");
                }
            }
            return (null, null);
        }

        bool IsIncomplete()
        {
            try { return TryRead(isFinalBlock: false, out _) == Step.NeedMore; }
            catch (JsonException) { return false; }
        }

        Step TryRead(bool isFinalBlock, out ReadOnlyMemory<byte> record)
        {
            record = default;
            var data = _buffer.AsSpan(_start, _end - _start);
            if (isFinalBlock && !_started && data.Trim(" \t\r\n"u8).IsEmpty) return Step.Done; // an empty file holds no records
            var reader = new Utf8JsonReader(data, isFinalBlock, _state);
            if (!_started)
            {
                if (!reader.Read()) return Step.NeedMore;
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    // One /api/papers/{id} object: the whole file is the record.
                    if (!reader.TrySkip()) return Step.NeedMore;
                    record = _buffer.AsMemory(_start, (int)reader.BytesConsumed);
                    _done = true;
                    return Step.Found;
                }
                if (reader.TokenType != JsonTokenType.StartArray)
                    throw new JsonException($"expected a JSON array of items or one paper object, got {reader.TokenType}");
                _started = true;
                Commit(ref reader);
            }
            if (!reader.Read()) return Step.NeedMore;
            if (reader.TokenType == JsonTokenType.EndArray) return Step.Done;
            var tokenStart = (int)reader.TokenStartIndex;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip()) return Step.NeedMore;
            record = _buffer.AsMemory(_start + tokenStart, (int)reader.BytesConsumed - tokenStart);
            Commit(ref reader);
            return Step.Found;
        }

        void Commit(ref Utf8JsonReader reader)
        {
            // The next read starts after this token; until then, a partial item is re-read from here.
            _start += (int)reader.BytesConsumed;
            _state = reader.CurrentState;
            reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), reader.IsFinalBlock, _state);
        }

        void Fill()
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            var n = stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0) { _eof = true; return; }
            var wasEmpty = _end == 0 && !_started;
            _end += n;
            // Utf8JsonReader does not skip a byte-order mark.
            if (wasEmpty && _buffer.AsSpan(0, _end).StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) _start = 3;
        }
    }
}
