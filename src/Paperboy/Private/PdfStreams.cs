using System.IO.Compression;

namespace Paperboy.Private;

/// <summary>
/// The checks of an uploaded PDF's names and streams, on its raw bytes, before PdfPig parses it (<see cref="PdfText.Check"/>).
/// <para>
/// Names are compared decoded: <c>/J#53</c> is <c>/JS</c> to a PDF reader, so it is to the scan too. Every
/// <c>stream</c> keyword that follows a dictionary is a stream, wherever it stands (inside another stream's data
/// too: a cross-reference table may point there), and its data is decoded through every filter of its
/// <c>/Filter</c> (or <c>/F</c>, as PdfPig reads it) in turn, as PdfPig decodes it: Flate the way PdfPig's
/// FlateFilter does (two header bytes skipped, whatever they are), LZW with PdfPig's code widths and a charge for
/// the table entries it keeps, ASCIIHex, ASCII85 and RunLength. Every byte each filter produces is charged to one
/// budget for the whole file (<see cref="PdfText.MaxInflatedBytes"/>), so neither a bomb in an unexpected filter
/// nor one nested in another (<c>[/FlateDecode /FlateDecode]</c>) nor one inside a stream PdfPig would decode
/// only halfway escapes the count. The image codecs (DCT, JPX, JBIG2, CCITT fax) are allowed as the last filter
/// only, where PdfPig does not expand them while reading text (the CCITT output is charged at its declared
/// size all the same); a filter this check cannot bound (an unknown one, one named by a reference it cannot find, an image codec
/// before another filter, a predictor before another filter, a damaged compressed layer in a chain) refuses the file.
/// </para>
/// <para>
/// This reads the file as a lenient reader would, by keywords; PdfPig reads it through its cross-reference
/// table. A file built to read one way here and another way to PdfPig (or one that repeats a stream many times
/// on a page) can still make PdfPig allocate more than was counted: that is what the reader process's own heap
/// limit and time limit are for (<see cref="PdfReaderProcess"/>). These checks give the clear refusals, early.
/// </para>
/// </summary>
static partial class PdfStreams
{
    /// <summary>How far back from a <c>stream</c> keyword its dictionary may start, and how many openings are tried.</summary>
    const int DictionaryWindow = 64 * 1024;
    const int DictionaryAttempts = 64;

    public static void Check(byte[] pdf, long budgetBytes)
    {
        var names = new NameScanner();
        names.Feed(pdf);
        names.Finish();
        if (names.Encrypt) throw new PdfRejectedException(PdfText.EncryptedMessage);
        if (names.Script) throw new PdfRejectedException(PdfText.ScriptMessage);

        var streams = Find(pdf);
        var layout = new Layout(pdf);
        var budget = new Budget(budgetBytes);
        var resolver = new Resolver(layout, streams, budgetBytes);
        foreach (var stream in streams)
        {
            var filters = stream.Filters;
            // A filter named indirectly ("/Filter 12 0 R") is looked up; each definition found is followed.
            var chains = filters is PdfReference reference ? resolver.Values(reference, stream.Keyword) : [filters];
            foreach (var (start, length) in Spans(layout, stream.Dictionary, stream.Start))
                foreach (var chain in chains)
                    Decode(pdf, start, length, stream.Dictionary, chain, budget, stream.Keyword, sink: null);
        }
    }

    /// <summary>A stream: where its keyword is, its dictionary, where its data starts.</summary>
    sealed record Found(int Keyword, PdfDictionary Dictionary, int Start)
    {
        public object? Filters => Dictionary.Has("Filter") ? Dictionary.Get("Filter") : Dictionary.Get("F");
    }

    /// <summary>Every <c>stream</c> keyword that follows a dictionary, wherever it stands.</summary>
    static List<Found> Find(byte[] pdf)
    {
        var streams = new List<Found>();
        var from = 0;
        while (from < pdf.Length)
        {
            var at = pdf.AsSpan(from).IndexOf("stream"u8);
            if (at < 0) break;
            var keyword = from + at;
            from = keyword + "stream".Length;
            if (keyword >= 3 && pdf.AsSpan(keyword - 3, 3).SequenceEqual("end"u8)) continue;
            if (from < pdf.Length && !PdfSyntax.IsWhitespace(pdf[from])) continue; // "streamline"
            // A stream's dictionary comes right before its keyword; anything else ("upstream ", a string) is not a stream.
            var close = keyword - 1;
            while (close >= 0 && PdfSyntax.IsWhitespace(pdf[close])) close--;
            if (close < 1 || pdf[close] != '>' || pdf[close - 1] != '>') continue;
            var dictionary = DictionaryEndingAt(pdf, close + 1)
                ?? throw Unreadable($"the dictionary of the stream at byte {keyword:N0} cannot be read");
            var start = from;
            if (start < pdf.Length && pdf[start] == '\r') start++;
            if (start < pdf.Length && pdf[start] == '\n') start++;
            streams.Add(new Found(keyword, dictionary, start));
        }
        return streams;
    }

    /// <summary>
    /// The values of an object named by reference, wherever it is defined: in the file's text (an update may define
    /// it again: every definition counts), or else in an object stream, decoded for the purpose under a budget of its own.
    /// </summary>
    sealed class Resolver(Layout layout, List<Found> streams, long budgetBytes)
    {
        readonly byte[] pdf = layout.Pdf;
        readonly Dictionary<PdfReference, List<object?>> _known = [];
        List<(long Number, object? Value)>? _compressed;

        public List<object?> Values(PdfReference reference, int at)
        {
            if (_known.TryGetValue(reference, out var values)) return values;
            values = [];
            foreach (var position in layout.Definitions(reference))
            {
                var value = position;
                try
                {
                    if (PdfSyntax.ReadValue(pdf, ref value) is var read and not PdfReference) values.Add(read);
                }
                catch (FormatException) { }
            }
            if (values.Count == 0 && reference.Generation == 0)
                values.AddRange(Compressed().Where(o => o.Number == reference.Number && o.Value is not PdfReference).Select(o => o.Value));
            if (values.Count == 0) throw Unreadable($"the stream at byte {at:N0} names its filters in object {reference.Number}, which cannot be found");
            _known[reference] = values;
            return values;
        }

        /// <summary>The objects of every object stream (<c>/Type /ObjStm</c>, <c>/N</c> objects, the first at <c>/First</c>).</summary>
        List<(long Number, object? Value)> Compressed()
        {
            if (_compressed is not null) return _compressed;
            _compressed = [];
            var budget = new Budget(budgetBytes);
            foreach (var stream in streams)
            {
                if (stream.Dictionary.Get("Type") is not PdfName { Value: "ObjStm" } || stream.Dictionary.Get("N") is not long count
                    || stream.Dictionary.Get("First") is not long first || stream.Filters is PdfReference) continue;
                var (start, length) = Spans(layout, stream.Dictionary, stream.Start).First();
                using var decoded = new MemoryStream();
                Decode(pdf, start, length, stream.Dictionary, stream.Filters, budget, stream.Keyword, decoded);
                var bytes = decoded.ToArray();
                var position = 0;
                try
                {
                    for (var i = 0; i < Math.Min(count, 100_000); i++)
                    {
                        if (PdfSyntax.ReadValue(bytes, ref position) is not long number || PdfSyntax.ReadValue(bytes, ref position) is not long offset) break;
                        var at = (int)Math.Clamp(first + offset, 0, bytes.Length);
                        try { _compressed.Add((number, PdfSyntax.ReadValue(bytes, ref at))); }
                        catch (FormatException) { }
                    }
                }
                catch (FormatException) { }
            }
            return _compressed;
        }
    }

    /// <summary>
    /// Where the file's <c>endstream</c> keywords and object headers (<c>N G obj</c>) are, each found in one pass when first
    /// asked for: a file of many streams without ends, or of many indirect filters, costs one scan, not one per stream.
    /// </summary>
    sealed class Layout(byte[] pdf)
    {
        int[]? _ends;
        Dictionary<PdfReference, List<int>>? _objects;

        public byte[] Pdf => pdf;

        /// <summary>The first <c>endstream</c> at or after <paramref name="start"/>, or −1.</summary>
        public int EndstreamFrom(int start)
        {
            _ends ??= Occurrences("endstream"u8).ToArray();
            var i = Array.BinarySearch(_ends, start);
            if (i < 0) i = ~i;
            return i < _ends.Length ? _ends[i] : -1;
        }

        /// <summary>Where the values of <paramref name="reference"/>'s definitions start (just after each <c>obj</c>).</summary>
        public List<int> Definitions(PdfReference reference)
        {
            if (_objects is null)
            {
                _objects = [];
                foreach (var at in Occurrences("obj"u8))
                {
                    var after = at + 3;
                    if (after < pdf.Length && !PdfSyntax.IsWhitespace(pdf[after]) && !PdfSyntax.IsDelimiter(pdf[after])) continue;
                    var p = at - 1;
                    if (p < 0 || !PdfSyntax.IsWhitespace(pdf[p])) continue; // "endobj"
                    while (p >= 0 && PdfSyntax.IsWhitespace(pdf[p])) p--;
                    var generation = Digits(ref p);
                    if (generation < 0 || p < 0 || !PdfSyntax.IsWhitespace(pdf[p])) continue;
                    while (p >= 0 && PdfSyntax.IsWhitespace(pdf[p])) p--;
                    var number = Digits(ref p);
                    if (number < 0 || p >= 0 && !PdfSyntax.IsWhitespace(pdf[p]) && !PdfSyntax.IsDelimiter(pdf[p])) continue;
                    var key = new PdfReference(number, generation);
                    if (!_objects.TryGetValue(key, out var list)) _objects[key] = list = [];
                    list.Add(after);
                }
            }
            return _objects.GetValueOrDefault(reference) ?? [];
        }

        /// <summary>The number whose last digit is at <paramref name="p"/>, read backwards (−1 when there is none), leaving <paramref name="p"/> before it.</summary>
        long Digits(ref int p)
        {
            long value = 0, scale = 1;
            var digits = 0;
            while (p >= 0 && pdf[p] is >= (byte)'0' and <= (byte)'9' && digits < 10)
            {
                value += (pdf[p] - '0') * scale;
                scale *= 10;
                digits++;
                p--;
            }
            return digits == 0 || p >= 0 && pdf[p] is >= (byte)'0' and <= (byte)'9' ? -1 : value;
        }

        List<int> Occurrences(ReadOnlySpan<byte> keyword)
        {
            var found = new List<int>();
            for (var from = 0; from < pdf.Length;)
            {
                var at = pdf.AsSpan(from).IndexOf(keyword);
                if (at < 0) break;
                found.Add(from + at);
                from += at + keyword.Length;
            }
            return found;
        }
    }

    /// <summary>
    /// The stream's data: by its <c>/Length</c> when that ends at <c>endstream</c> (how PdfPig reads it), else up to
    /// <c>endstream</c> (where PdfPig looks when the length is wrong), and both when a length that fits the file ends elsewhere.
    /// </summary>
    static IEnumerable<(int Start, int Length)> Spans(Layout layout, PdfDictionary dictionary, int start)
    {
        var pdf = layout.Pdf;
        var byLength = dictionary.Get("Length") is long length && length >= 0 && start + length < pdf.Length ? (int)length : -1;
        if (byLength >= 0)
        {
            var after = start + byLength;
            while (after < pdf.Length && PdfSyntax.IsWhitespace(pdf[after])) after++;
            yield return (start, byLength);
            if (pdf.AsSpan(after).StartsWith("endstream"u8)) yield break;
        }
        var end = layout.EndstreamFrom(start);
        var byKeyword = (end < 0 ? pdf.Length : end) - start;
        // The end-of-line before "endstream" is not data.
        if (byKeyword > 0 && pdf[start + byKeyword - 1] == '\n') byKeyword--;
        if (byKeyword > 0 && pdf[start + byKeyword - 1] == '\r') byKeyword--;
        if (byKeyword != byLength) yield return (start, byKeyword);
    }

    /// <summary>
    /// Decodes one stream's data through its filters, charging <paramref name="budget"/>, and looks for script names in
    /// what comes out; the output goes to <paramref name="sink"/> when one is given (an object stream to look into).
    /// </summary>
    static void Decode(byte[] pdf, int start, int length, PdfDictionary dictionary, object? filterValue, Budget budget, int at, Stream? sink)
    {
        List<string> filters;
        switch (filterValue)
        {
            case null:
                // No filter: the data is what it is, and the scan of the whole file saw its names.
                budget.Charge(length);
                sink?.Write(pdf, start, length);
                return;
            case PdfName name:
                filters = [name.Value];
                break;
            case List<object?> list when list.All(f => f is PdfName):
                filters = list.Select(f => ((PdfName)f!).Value).ToList();
                break;
            case PdfReference:
                throw Unreadable($"the stream at byte {at:N0} names its filters through more than one reference");
            default:
                // PdfPig refuses to decode a stream whose filter is neither a name nor an array of names.
                budget.Charge(length);
                return;
        }
        if (filters.Count == 0)
        {
            budget.Charge(length);
            sink?.Write(pdf, start, length);
            return;
        }
        var parametersValue = dictionary.Has("DP") ? dictionary.Get("DP") : dictionary.Get("DecodeParms");
        PdfDictionary Parameters(int index) => (filterValue, parametersValue) switch
        {
            (PdfName, PdfDictionary single) => single,
            (List<object?>, List<object?> each) when index < each.Count && each[index] is PdfDictionary one => one,
            _ => PdfDictionary.Empty,
        };

        if (filters is ["DCTDecode" or "DCT" or "JPXDecode" or "JBIG2Decode"])
        {
            budget.Charge(length); // PdfPig does not decode these: the data stays as it is in the file
            return;
        }
        Stream current = new MemoryStream(pdf, start, length, writable: false);
        var layers = new List<Stream>();
        var image = false;
        for (var i = 0; i < filters.Count; i++)
        {
            var last = i == filters.Count - 1;
            var parameters = Parameters(i);
            if (!last && parameters.Get("Predictor") is long predictor && predictor > 1)
                throw Unreadable($"the stream at byte {at:N0} has a predictor before another filter");
            Stream decoder;
            switch (filters[i])
            {
                case "FlateDecode" or "Fl":
                    decoder = new FlateDecoder(current);
                    break;
                case "LZWDecode" or "LZW":
                    decoder = new LzwDecoder(current, parameters.Get("EarlyChange") is not long early || early == 1, budget);
                    break;
                case "ASCIIHexDecode" or "AHx":
                    decoder = new AsciiHexDecoder(current);
                    break;
                case "ASCII85Decode" or "A85":
                    decoder = new Ascii85Decoder(current);
                    break;
                case "RunLengthDecode" or "RL":
                    decoder = new RunLengthDecoder(current);
                    break;
                case "DCTDecode" or "DCT" or "JPXDecode" or "JBIG2Decode" or "CCITTFaxDecode" or "CCF":
                    if (!last) throw Unreadable($"the stream at byte {at:N0} has an image encoding before another filter");
                    if (filters[i] is "CCITTFaxDecode" or "CCF") budget.Charge(FaxBytes(dictionary, parameters));
                    image = true;
                    continue;
                case "Crypt":
                    throw new PdfRejectedException(PdfText.EncryptedMessage);
                default:
                    throw new PdfRejectedException($"The PDF uses an encoding this site does not read (/{Printable(filters[i])}); save it again from its editor, or print it to a new PDF, and upload that.");
            }
            current = new Metered(decoder, budget);
            layers.Add(current);
        }

        var buffer = new byte[64 * 1024];
        var names = image ? null : new NameScanner();
        try
        {
            int read;
            while ((read = current.Read(buffer, 0, buffer.Length)) > 0)
            {
                names?.Feed(buffer.AsSpan(0, read));
                sink?.Write(buffer, 0, read);
            }
            names?.Finish();
            // PdfPig decodes each filter's whole input, even where the next filter stops early: count those bytes too.
            for (var i = layers.Count - 2; i >= 0; i--)
                while (layers[i].Read(buffer, 0, buffer.Length) > 0) { }
        }
        catch (InvalidDataException)
        {
            // PdfPig keeps a damaged Flate stream's raw bytes as its "decoded" content: harmless on its own, but in a
            // chain they would go on to the next filter, which this check did not follow.
            if (layers.Count > 1) throw Unreadable($"the stream at byte {at:N0} has a damaged compressed layer");
        }
        if (names is { Script: true }) throw new PdfRejectedException(PdfText.ScriptMessage);
    }

    /// <summary>What PdfPig's CCITT fax filter allocates: a bitmap of the declared columns by rows.</summary>
    static long FaxBytes(PdfDictionary stream, PdfDictionary parameters)
    {
        var columns = parameters.Get("Columns") is long c ? c : 1728;
        var rows = parameters.Get("Rows") is long r ? r : 0;
        var height = stream.Get("Height") is long h ? h : stream.Get("H") is long h2 ? h2 : 0;
        rows = rows > 0 && height > 0 ? height : Math.Max(rows, height);
        return Math.Max(0, (Math.Clamp(columns, 0, int.MaxValue) + 7) / 8) * Math.Clamp(rows, 0, int.MaxValue);
    }

    /// <summary>
    /// The dictionary that ends just before <paramref name="end"/> (after its <c>&gt;&gt;</c>): the nearest <c>&lt;&lt;</c>
    /// from which a dictionary reads through to exactly there. Null when none within reach does.
    /// </summary>
    static PdfDictionary? DictionaryEndingAt(byte[] pdf, int end)
    {
        var floor = Math.Max(0, end - DictionaryWindow);
        var attempts = 0;
        for (var open = end - 4; open >= floor && attempts < DictionaryAttempts; open--)
        {
            if (pdf[open] != '<' || pdf[open + 1] != '<') continue;
            attempts++;
            var position = open;
            try
            {
                if (PdfSyntax.ReadValue(pdf.AsSpan(0, end), ref position) is PdfDictionary dictionary && position == end) return dictionary;
            }
            catch (FormatException) { }
        }
        return null;
    }

    static PdfRejectedException Unreadable(string what) =>
        new($"The PDF's structure could not be checked ({what}); save it again from its editor, or print it to a new PDF, and upload that.");

    static string Printable(string name) =>
        new([.. name.Take(40).Select(c => c is >= '!' and <= '~' ? c : '?')]);

    /// <summary>
    /// Finds the names /JS, /JavaScript and /Encrypt in bytes given in any number of pieces (a name may straddle two),
    /// compared after decoding <c>#xx</c> escapes, as a PDF reader compares them.
    /// </summary>
    internal sealed class NameScanner
    {
        // A name that decodes to "JavaScript" (10 bytes) is at most 30 bytes written, every byte escaped.
        const int Longest = 30;
        readonly byte[] _name = new byte[Longest];
        int _length;
        bool _inName, _tooLong;

        public bool Script { get; private set; }
        public bool Encrypt { get; private set; }

        public void Feed(ReadOnlySpan<byte> data)
        {
            var i = 0;
            while (i < data.Length)
            {
                if (!_inName)
                {
                    var slash = data[i..].IndexOf((byte)'/');
                    if (slash < 0) return;
                    i += slash + 1;
                    Begin();
                    continue;
                }
                var b = data[i++];
                if (PdfSyntax.IsWhitespace(b) || PdfSyntax.IsDelimiter(b))
                {
                    End();
                    if (b == '/') Begin();
                }
                else if (_length < Longest) _name[_length++] = b;
                else _tooLong = true;
            }
        }

        public void Finish()
        {
            if (_inName) End();
        }

        void Begin()
        {
            _inName = true;
            _length = 0;
            _tooLong = false;
        }

        void End()
        {
            _inName = false;
            if (_tooLong) return;
            Span<byte> decoded = stackalloc byte[Longest];
            var name = decoded[..PdfSyntax.DecodeName(_name.AsSpan(0, _length), decoded)];
            if (name.SequenceEqual("JS"u8) || name.SequenceEqual("JavaScript"u8)) Script = true;
            else if (name.SequenceEqual("Encrypt"u8)) Encrypt = true;
        }
    }
}
