using System.IO.Compression;
using System.Text;
using UglyToad.PdfPig;

namespace Paperboy.Private;

/// <summary>What an uploaded PDF says about itself: a title and abstract to offer for editing, and its text.</summary>
public sealed record PdfFacts(string? Title, string? Abstract, string Text, int Pages);

/// <summary>An upload refused, with the sentence the member reads.</summary>
public sealed class PdfRejectedException(string reason) : Exception(reason);

/// <summary>
/// Reads an uploaded PDF with PdfPig, behind guards that come first because PDFs are hostile input:
/// the bytes must look like a whole PDF (header and end marker: a cut-short upload is refused, not
/// half-read), encrypted files and files carrying JavaScript are refused, and every compressed stream
/// is inflated once into a counter (never into memory) so a "zip bomb" is refused before PdfPig would
/// inflate it. Parsing then runs on its own thread with a time limit, and only the first pages are read.
/// </summary>
public static class PdfText
{
    public const long MaxUploadBytes = 50L * 1024 * 1024;
    /// <summary>Total inflated size of all streams together; a real paper is well under it, a bomb far over.</summary>
    public const long MaxInflatedBytes = 200L * 1024 * 1024;
    public const int MaxPagesRead = 40;
    public const int MaxTextChars = 400_000;
    public static readonly TimeSpan ParseTimeLimit = TimeSpan.FromSeconds(20);

    static readonly byte[] StreamKeyword = "stream"u8.ToArray();

    public static Task<PdfFacts> ReadAsync(byte[] pdf, CancellationToken ct = default) =>
        ReadAsync(pdf, Extract, ParseTimeLimit, TimeProvider.System, ct);

    /// <summary>The same, with the parser and the clock given: a test holds a parse and moves a fake clock past the limit.</summary>
    internal static async Task<PdfFacts> ReadAsync(byte[] pdf, Func<byte[], PdfFacts> extract, TimeSpan timeLimit, TimeProvider clock, CancellationToken ct)
    {
        Check(pdf);
        // PdfPig cannot be interrupted; the time limit frees the request, and the inflation guard above
        // already bounds what the abandoned parse could still allocate.
        var parse = Task.Run(() => extract(pdf), ct);
        try { return await parse.WaitAsync(timeLimit, clock, ct); }
        catch (TimeoutException) { throw new PdfRejectedException("The PDF took too long to read; it may be damaged. Save it again from its editor, or enter the details by hand."); }
    }

    /// <summary>The structural guards, on raw bytes, before any parsing.</summary>
    public static void Check(byte[] pdf)
    {
        if (pdf.Length == 0) throw new PdfRejectedException("The file is empty.");
        if (pdf.Length > MaxUploadBytes) throw new PdfRejectedException($"The PDF is larger than {MaxUploadBytes / (1024 * 1024)} MB.");
        if (IndexOf(pdf.AsSpan(0, Math.Min(pdf.Length, 1024)), "%PDF-"u8) < 0)
            throw new PdfRejectedException("This file is not a PDF (it does not start like one), whatever its name says.");
        if (IndexOf(pdf.AsSpan(Math.Max(0, pdf.Length - 2048)), "%%EOF"u8) < 0)
            throw new PdfRejectedException("The PDF is cut short (it has no end-of-file marker): the upload or the file is incomplete.");
        if (HasName(pdf, "/Encrypt"u8))
            throw new PdfRejectedException("The PDF is encrypted or password-protected; save an unprotected copy and upload that.");
        if (HasScript(pdf))
            throw new PdfRejectedException("The PDF contains JavaScript, which is refused here; print it to a new PDF and upload that.");
        long inflated = 0;
        foreach (var (start, length) in Streams(pdf))
        {
            var chunk = Inflate(pdf.AsSpan(start, length).ToArray(), MaxInflatedBytes - inflated, out var script);
            if (chunk < 0) throw new PdfRejectedException($"The PDF's compressed content inflates to more than {MaxInflatedBytes / (1024 * 1024)} MB; refused as a decompression bomb.");
            if (script) throw new PdfRejectedException("The PDF contains JavaScript, which is refused here; print it to a new PDF and upload that.");
            inflated += chunk;
        }
    }

    static PdfFacts Extract(byte[] pdf)
    {
        try
        {
            using var document = PdfDocument.Open(pdf, new ParsingOptions { UseLenientParsing = false, SkipMissingFonts = true });
            var text = new StringBuilder();
            string? firstPageTitle = null;
            var pages = Math.Min(document.NumberOfPages, MaxPagesRead);
            for (var n = 1; n <= pages && text.Length < MaxTextChars; n++)
            {
                var page = document.GetPage(n);
                var words = page.GetWords().ToList();
                if (n == 1) firstPageTitle = LargestLine(words);
                text.AppendJoin(' ', words.Select(w => w.Text)).Append('\n');
            }
            var body = text.Length > MaxTextChars ? text.ToString(0, MaxTextChars) : text.ToString();
            var title = Clean(document.Information.Title) is { Length: > 3 } info && !info.EndsWith(".dvi", StringComparison.OrdinalIgnoreCase) ? info : firstPageTitle;
            return new PdfFacts(title, AbstractOf(body), body, document.NumberOfPages);
        }
        catch (PdfRejectedException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new PdfRejectedException("The PDF could not be read (" + Clean(e.Message)?.TrimEnd('.') + "). Save it again from its editor, or enter the details by hand.");
        }
    }

    /// <summary>The title is usually the line set in the largest type on the first page.</summary>
    static string? LargestLine(List<UglyToad.PdfPig.Content.Word> words)
    {
        if (words.Count == 0) return null;
        var size = words.Max(w => w.Letters.Count == 0 ? 0 : w.Letters[0].PointSize);
        var line = words.Where(w => w.Letters.Count > 0 && Math.Abs(w.Letters[0].PointSize - size) < 0.5).Select(w => w.Text);
        return Clean(string.Join(' ', line)) is { Length: > 0 } t ? t[..Math.Min(t.Length, 300)] : null;
    }

    /// <summary>The words after "Abstract" up to the first section heading, when the paper has one.</summary>
    static string? AbstractOf(string text)
    {
        var start = text.IndexOf("Abstract", StringComparison.OrdinalIgnoreCase);
        if (start < 0) return null;
        var rest = text[(start + "Abstract".Length)..].TrimStart(' ', '.', ':', '—', '-', '\n');
        var end = rest.Length;
        foreach (var marker in new[] { "1 Introduction", "1. Introduction", "Introduction", "Keywords", "Index Terms" })
        {
            var at = rest.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            if (at > 0 && at < end) end = at;
        }
        return Clean(rest[..Math.Min(end, 3000)]) is { Length: > 0 } a ? a : null;
    }

    static string? Clean(string? s) =>
        string.IsNullOrWhiteSpace(s) ? null : string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Where(ch => !char.IsControl(ch)).Aggregate(new StringBuilder(), (b, ch) => b.Append(ch)).ToString();

    static bool HasScript(byte[] pdf) => HasName(pdf, "/JavaScript"u8) || HasName(pdf, "/JS"u8);

    /// <summary>A PDF name token (followed by a delimiter, so /JS does not match /JSON).</summary>
    static bool HasName(ReadOnlySpan<byte> data, ReadOnlySpan<byte> name)
    {
        var from = 0;
        while (true)
        {
            var at = IndexOf(data[from..], name);
            if (at < 0) return false;
            var end = from + at + name.Length;
            if (end >= data.Length || IsDelimiter(data[end])) return true;
            from = end;
        }
    }

    static bool IsDelimiter(byte b) => b is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t' or (byte)'\f' or 0
        or (byte)'/' or (byte)'<' or (byte)'>' or (byte)'[' or (byte)']' or (byte)'(' or (byte)')' or (byte)'%';

    /// <summary>The data of every <c>stream … endstream</c>, found by keywords (a damaged xref does not hide a stream).</summary>
    static IEnumerable<(int Start, int Length)> Streams(byte[] pdf)
    {
        var from = 0;
        while (from < pdf.Length)
        {
            var at = IndexOf(pdf.AsSpan(from), StreamKeyword);
            if (at < 0) yield break;
            var keyword = from + at;
            var start = keyword + StreamKeyword.Length;
            // "endstream" contains "stream": skip it; a stream keyword is followed by CRLF or LF.
            if (keyword >= 3 && pdf.AsSpan(keyword - 3, 3).SequenceEqual("end"u8)) { from = start; continue; }
            if (start < pdf.Length && pdf[start] == '\r') start++;
            if (start < pdf.Length && pdf[start] == '\n') start++; else { from = start; continue; }
            var end = IndexOf(pdf.AsSpan(start), "endstream"u8);
            if (end < 0) yield break;
            yield return (start, end);
            from = start + end + "endstream".Length;
        }
    }

    /// <summary>
    /// Inflated size of a zlib stream, counted in 64 KB steps and abandoned past <paramref name="budget"/> (−1).
    /// Streams that are not zlib (images, raw text) count as their own size. Looks for script in the inflated bytes.
    /// </summary>
    static long Inflate(byte[] data, long budget, out bool script)
    {
        script = false;
        if (data.Length < 2 || data[0] != 0x78) return data.Length;
        var buffer = new byte[64 * 1024];
        long total = 0;
        try
        {
            using var inflater = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
            int read;
            while ((read = inflater.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += read;
                if (total > budget) return -1;
                if (!script && (HasName(buffer.AsSpan(0, read), "/JavaScript"u8) || HasName(buffer.AsSpan(0, read), "/JS"u8))) script = true;
            }
        }
        catch (InvalidDataException) { }
        return total;
    }

    static int IndexOf(ReadOnlySpan<byte> data, ReadOnlySpan<byte> value) => data.IndexOf(value);
}
