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

    /// <summary>A small hand-written PDF whose catalog or trailer carries <paramref name="extra"/> and one stream.</summary>
    public static byte[] HandWritten(string catalogExtra = "", string trailerExtra = "", byte[]? stream = null, string streamDict = "")
    {
        var body = new MemoryStream();
        void Write(string s) => body.Write(Encoding.ASCII.GetBytes(s));
        Write("%PDF-1.7\n");
        Write($"1 0 obj\n<< /Type /Catalog /Pages 2 0 R {catalogExtra} >>\nendobj\n");
        Write("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
        Write("3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>\nendobj\n");
        stream ??= Encoding.ASCII.GetBytes("BT ET");
        Write($"4 0 obj\n<< /Length {stream.Length} {streamDict} >>\nstream\n");
        body.Write(stream);
        Write("\nendstream\nendobj\n");
        Write($"trailer\n<< /Root 1 0 R /Size 5 {trailerExtra} >>\n%%EOF\n");
        return body.ToArray();
    }

    public static byte[] Encrypted() => HandWritten(trailerExtra: "/Encrypt << /Filter /Standard /V 2 /R 3 /O (x) /U (y) /P -4 >>");

    public static byte[] WithJavaScript() => HandWritten(catalogExtra: "/OpenAction << /S /JavaScript /JS (app.alert\\('hi'\\)) >>");

    /// <summary>JavaScript hidden inside a compressed object stream, where a scan of the raw bytes cannot see it.</summary>
    public static byte[] WithCompressedJavaScript() =>
        HandWritten(stream: Deflate(Encoding.ASCII.GetBytes("5 0 << /S /JavaScript /JS (app.alert\\(1\\)) >>")), streamDict: "/Filter /FlateDecode");

    /// <summary>A decompression bomb: a few hundred KB that inflate to 256 MB of zeros.</summary>
    public static byte[] Bomb()
    {
        var zeros = new byte[1024 * 1024];
        var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
            for (var i = 0; i < 256; i++) z.Write(zeros);
        return HandWritten(stream: packed.ToArray(), streamDict: "/Filter /FlateDecode");
    }

    static byte[] Deflate(byte[] data)
    {
        var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(data);
        return packed.ToArray();
    }
}
