using System.Text;
using UglyToad.PdfPig;

namespace Paperboy.Private;

/// <summary>What an uploaded PDF says about itself: a title and abstract to offer for editing, and its text.</summary>
public sealed record PdfFacts(string? Title, string? Abstract, string Text, int Pages);

/// <summary>An upload refused, with the sentence the member reads.</summary>
public sealed class PdfRejectedException(string reason) : Exception(reason);

/// <summary>
/// An upload that could not be read for a reason of the server's, not the file's (the reader process did not
/// start): nothing is stored, and the member is told to try again or type the details.
/// </summary>
public sealed class PdfUnavailableException(string reason, Exception? inner = null) : Exception(reason, inner);

/// <summary>
/// Reads an uploaded PDF with PdfPig, behind guards, because PDFs are hostile input. In the server, only the shape
/// of the bytes is checked (<see cref="CheckShape"/>: a whole PDF, under the size limit); everything that reads
/// inside the file runs in a child process, <see cref="PdfReaderProcess"/>: a heap limit of its own
/// (<see cref="ReaderHeapLimit"/>), killed at the time limit, one crash away from nothing. There it checks names and
/// streams first (<see cref="Check"/>: encrypted files and files carrying JavaScript are refused, every stream is
/// decoded through all its filters into a counter, never into memory, so a "zip bomb" is refused before PdfPig would
/// expand it), then PdfPig reads the first pages.
/// </summary>
public static class PdfText
{
    public const long MaxUploadBytes = 50L * 1024 * 1024;
    /// <summary>Total decoded size of all streams together, every filter's output counted; a real paper is well under it, a bomb far over.</summary>
    public const long MaxInflatedBytes = 200L * 1024 * 1024;
    /// <summary>The managed heap of the process that reads a PDF (DOTNET_GCHeapHardLimit): PdfPig holds decoded streams whole.</summary>
    public const long ReaderHeapLimit = 512L * 1024 * 1024;
    public const int MaxPagesRead = 40;
    public const int MaxTextChars = 400_000;
    public static readonly TimeSpan ParseTimeLimit = TimeSpan.FromSeconds(20);

    internal const string EncryptedMessage = "The PDF is encrypted or password-protected; save an unprotected copy and upload that.";
    internal const string ScriptMessage = "The PDF contains JavaScript, which is refused here; print it to a new PDF and upload that.";
    internal static readonly string BombMessage = $"The PDF's compressed content inflates to more than {MaxInflatedBytes / (1024 * 1024)} MB; refused as a decompression bomb.";
    internal const string TooLongMessage = "The PDF took too long to read; it may be damaged. Save it again from its editor, or enter the details by hand.";
    internal static readonly string MemoryMessage = $"The PDF needs more memory to read than this site allows ({ReaderHeapLimit / (1024 * 1024)} MB); it may be damaged or built to exhaust the server. Save it again from its editor, or enter the details by hand.";

    /// <summary>PDFs read at the same time, each in a process of up to <see cref="ReaderHeapLimit"/>; more wait their turn.</summary>
    static readonly SemaphoreSlim Readers = new(Math.Clamp(Environment.ProcessorCount, 2, 4));

    public static Task<PdfFacts> ReadAsync(byte[] pdf, CancellationToken ct = default) =>
        ReadAsync(pdf, PdfReaderProcess.Default.ReadAsync, ParseTimeLimit, TimeProvider.System, ct);

    /// <summary>
    /// The same, with the reader and the clock given: a test holds a read and moves a fake clock past the limit.
    /// At the limit the reader is cancelled (the process is killed) and awaited, not abandoned: nothing of the
    /// read outlives the request.
    /// </summary>
    internal static async Task<PdfFacts> ReadAsync(byte[] pdf, Func<byte[], CancellationToken, Task<PdfFacts>> read, TimeSpan timeLimit, TimeProvider clock, CancellationToken ct)
    {
        CheckShape(pdf);
        await Readers.WaitAsync(ct);
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var reading = read(pdf, stop.Token);
            try { return await reading.WaitAsync(timeLimit, clock, ct); }
            catch (TimeoutException) { throw new PdfRejectedException(TooLongMessage); }
            finally
            {
                if (!reading.IsCompleted)
                {
                    stop.Cancel();
                    // Killing a process takes milliseconds; the bound only keeps a reader that ignores its token from holding the request.
                    try { await reading.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None); }
                    catch (Exception) { } // cancelled, as asked
                }
            }
        }
        finally { Readers.Release(); }
    }

    /// <summary>What the server checks itself, on the bytes' shape only: not empty, not too large, a PDF's start and end.</summary>
    public static void CheckShape(byte[] pdf)
    {
        if (pdf.Length == 0) throw new PdfRejectedException("The file is empty.");
        if (pdf.Length > MaxUploadBytes) throw new PdfRejectedException($"The PDF is larger than {MaxUploadBytes / (1024 * 1024)} MB.");
        if (pdf.AsSpan(0, Math.Min(pdf.Length, 1024)).IndexOf("%PDF-"u8) < 0)
            throw new PdfRejectedException("This file is not a PDF (it does not start like one), whatever its name says.");
        if (pdf.AsSpan(Math.Max(0, pdf.Length - 2048)).IndexOf("%%EOF"u8) < 0)
            throw new PdfRejectedException("The PDF is cut short (it has no end-of-file marker): the upload or the file is incomplete.");
    }

    /// <summary>The guards on what is inside, before any parsing (<see cref="PdfStreams"/>): encryption, JavaScript, decoded size.</summary>
    public static void Check(byte[] pdf)
    {
        CheckShape(pdf);
        PdfStreams.Check(pdf, MaxInflatedBytes);
    }

    /// <summary>What the reader process does with the bytes it is given: the checks, then PdfPig.</summary>
    internal static PdfFacts CheckAndExtract(byte[] pdf)
    {
        Check(pdf);
        return Extract(pdf);
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
}
