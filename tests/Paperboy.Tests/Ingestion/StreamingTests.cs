using System.Text;
using Paperboy.Ingestion;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Ingestion;

/// <summary>Readers stream: they yield records while reading, whatever size the reads come in.</summary>
[Trait("Engine", "independent")] // opens no database: runs on the first engine only (.ci/run)
public sealed class StreamingTests
{
    /// <summary>Serves at most <c>maxRead</c> bytes a read and remembers how far it was read.</summary>
    sealed class TrickleStream(byte[] data, int maxRead) : Stream
    {
        long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(Math.Min(count, maxRead), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    static string Describe(ReadResult r) =>
        r.Paper is { } p ? $"{r.Position} {p.Id} {p.Title} {p.Daily} {p.Upvotes} {string.Join(',', p.Authors ?? [])}" : $"{r.Position} {r.Error}";

    [Theory]
    [InlineData("hf-daily", "hf-daily-papers/2025-11-20.json")]
    [InlineData("hf-daily", "hf-daily-papers/2024-06-05.json")]
    [InlineData("arxiv-atom", "arxiv/atom-api-2026/q_testing_s0_m15_80c242b59d59.body.xml")]
    [InlineData("arxiv-oai", "arxiv/oai-pmh/sample_arxiv_record.xml")]
    public void ReadingOneByteAtATimeGivesTheSameRecordsAsReadingTheWholeFile(string format, string relativePath)
    {
        var bytes = File.ReadAllBytes(SharedData.Path(relativePath.Split('/')));
        var whole = Importer.Readers[format]().Read(new MemoryStream(bytes), "x").Select(Describe).ToList();
        var trickled = Importer.Readers[format]().Read(new TrickleStream(bytes, 1), "x").Select(Describe).ToList();
        Assert.NotEmpty(whole);
        Assert.Equal(whole, trickled);
    }

    [Fact]
    public void AHuggingFaceArrayIsReadItemByItemNotWhole()
    {
        var item = File.ReadAllText(SharedData.Path("hf-daily-papers", "2025-11-20.json")).Trim()[1..^1].Split("\n  },")[0] + "\n  }";
        var bytes = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat(item, 3000)) + "]");
        var stream = new TrickleStream(bytes, 1 << 20);

        using var records = new HfDailyReader().Read(stream, "x").GetEnumerator();
        Assert.True(records.MoveNext());
        Assert.Equal("2511.15065", records.Current.Paper!.Id);
        Assert.True(stream.Position < bytes.Length / 10, $"read {stream.Position} of {bytes.Length} bytes before the first record");

        var count = 1;
        while (records.MoveNext())
        {
            Assert.Null(records.Current.Error);
            count++;
        }
        Assert.Equal(3000, count);
    }

    [Fact]
    public void AnItemLargerThanTheReadBufferIsStillOneRecord()
    {
        var summary = string.Concat(Enumerable.Repeat("word ", 60_000)); // 300 KB, several buffers
        var json = $$$"""[{"paper":{"id":"2501.00001","title":"Big","summary":"{{{summary}}}"}},{"paper":{"id":"2501.00002","title":"Small"}}]""";
        var results = new HfDailyReader().Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), "x").ToList();
        Assert.Equal(["2501.00001", "2501.00002"], results.Select(r => r.Paper!.Id));
        Assert.Equal(summary.Trim(), results[0].Paper!.Abstract);
    }
}
