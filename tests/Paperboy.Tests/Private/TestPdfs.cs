using System.IO.Compression;
using System.Text;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Paperboy.Tests.Private;

/// <summary>PDFs made by the tests themselves: a real paper-like one with PdfPig's builder, and hostile ones by hand.</summary>
static class TestPdfs
{
    /// <summary>A one-page paper: the title in 20 pt, authors, an "Abstract" paragraph and an introduction, in 10 pt.</summary>
    public static byte[] Paper(string title, string abstractText, string? infoTitle = null)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(PageSize.A4);
        page.AddText(title, 20, new PdfPoint(50, 780), font);
        page.AddText("Ada Lovelace, Grace Hopper", 10, new PdfPoint(50, 750), font);
        page.AddText("Abstract", 10, new PdfPoint(50, 720), font);
        page.AddText(abstractText, 10, new PdfPoint(50, 705), font);
        page.AddText("1 Introduction", 10, new PdfPoint(50, 680), font);
        page.AddText("Plain words of the body.", 10, new PdfPoint(50, 665), font);
        if (infoTitle is not null) builder.DocumentInformation.Title = infoTitle;
        return builder.Build();
    }

    /// <summary>
    /// A small hand-written PDF whose catalog or trailer carries <paramref name="extra"/> and one stream (object 4, the
    /// page's content unless <paramref name="contents"/> says otherwise), with a cross-reference table PdfPig's strict parser reads.
    /// </summary>
    public static byte[] HandWritten(string catalogExtra = "", string trailerExtra = "", byte[]? stream = null, string streamDict = "", string contents = "4 0 R")
    {
        var body = new MemoryStream();
        var offsets = new List<long>();
        void Write(string s) => body.Write(Encoding.ASCII.GetBytes(s));
        void Object(string s)
        {
            offsets.Add(body.Position);
            Write(s);
        }
        Write("%PDF-1.7\n");
        Object($"1 0 obj\n<< /Type /Catalog /Pages 2 0 R {catalogExtra} >>\nendobj\n");
        Object("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
        Object($"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {contents} >>\nendobj\n");
        stream ??= Encoding.ASCII.GetBytes("BT ET");
        Object($"4 0 obj\n<< /Length {stream.Length} {streamDict} >>\nstream\n");
        body.Write(stream);
        Write("\nendstream\nendobj\n");
        var xref = body.Position;
        Write($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) Write($"{offset:D10} 00000 n \n");
        Write($"trailer\n<< /Root 1 0 R /Size {offsets.Count + 1} {trailerExtra} >>\nstartxref\n{xref}\n%%EOF\n");
        return body.ToArray();
    }

    public static byte[] Encrypted() => HandWritten(trailerExtra: "/Encrypt << /Filter /Standard /V 2 /R 3 /O (x) /U (y) /P -4 >>");

    public static byte[] WithJavaScript() => HandWritten(catalogExtra: "/OpenAction << /S /JavaScript /JS (app.alert\\('hi'\\)) >>");

    /// <summary>JavaScript hidden inside a compressed object stream, where a scan of the raw bytes cannot see it.</summary>
    public static byte[] WithCompressedJavaScript() =>
        HandWritten(stream: Deflate(Encoding.ASCII.GetBytes("5 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>")), streamDict: "/Filter /FlateDecode");

    /// <summary>A decompression bomb: a few hundred KB that inflate to 256 MB of zeros.</summary>
    public static byte[] Bomb() => HandWritten(stream: Zeros(256), streamDict: "/Filter /FlateDecode");

    /// <summary>JavaScript whose names are written with #xx escapes (/J#53 is /JS to a reader), where a scan for the plain names cannot see it.</summary>
    public static byte[] WithEscapedJavaScript() => HandWritten(catalogExtra: "/OpenAction << /S /Java#53cript /J#53 (app.alert\\(1\\)) >>");

    /// <summary>A bomb in two layers, <c>[/FlateDecode /FlateDecode]</c>: the outer layer inflates to a few hundred KB, the inner to 256 MB.</summary>
    public static byte[] NestedBomb()
    {
        var inner = Zeros(256);
        return HandWritten(stream: Deflate(inner), streamDict: "/Filter [/FlateDecode /FlateDecode]");
    }

    /// <summary>
    /// A bomb in LZW, which PdfPig decodes too: runs of zeros growing to the longest a 12-bit table holds (3,839 bytes),
    /// then that code 70,000 times: 105 KB that decode to 270 MB.
    /// </summary>
    public static byte[] LzwBomb()
    {
        var codes = new List<int> { 0 };
        for (var code = 258; code < 4096; code++) codes.Add(code);
        codes.AddRange(Enumerable.Repeat(4095, 70_000));
        codes.Add(257);
        // Packed most significant bit first, each code as wide as the decoder expects it then (PdfPig's early change).
        var packed = new MemoryStream();
        int buffer = 0, bits = 0, width = 9, count = 258, previous = -1;
        foreach (var code in codes)
        {
            buffer = (buffer << width) | code;
            bits += width;
            while (bits >= 8)
            {
                packed.WriteByte((byte)(buffer >> (bits - 8)));
                bits -= 8;
                buffer &= (1 << bits) - 1;
            }
            if (previous >= 0) count++;
            previous = code;
            width = count >= 2047 ? 12 : count >= 1023 ? 11 : count >= 511 ? 10 : 9;
        }
        if (bits > 0) packed.WriteByte((byte)(buffer << (8 - bits)));
        return HandWritten(stream: packed.ToArray(), streamDict: "/Filter /LZWDecode");
    }

    /// <summary>
    /// A page whose content is one RunLength stream of 120 MB (1.9 MB in the file: under the decoded-size limit)
    /// listed eight times: PdfPig decodes each listing and joins them, ~1 GB, which only the reader's memory limit stops.
    /// </summary>
    public static byte[] RepeatedStream()
    {
        var runs = new byte[120 * 1024 * 1024 / 128 * 2];
        for (var i = 0; i < runs.Length; i += 2) runs[i] = 129; // 257 - 129 = 128 copies of the next byte (0)
        return HandWritten(stream: runs, streamDict: "/Filter /RunLengthDecode", contents: "[" + string.Join(' ', Enumerable.Repeat("4 0 R", 8)) + "]");
    }

    /// <summary>Megabytes of zeros, zlib-compressed.</summary>
    public static byte[] Zeros(int megabytes)
    {
        var zeros = new byte[1024 * 1024];
        var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
            for (var i = 0; i < megabytes; i++) z.Write(zeros);
        return packed.ToArray();
    }

    static byte[] Deflate(byte[] data)
    {
        var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(data);
        return packed.ToArray();
    }
}
