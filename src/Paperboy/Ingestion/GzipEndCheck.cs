using System.Buffers.Binary;
using System.IO.Compression;

namespace Paperboy.Ingestion;

/// <summary>
/// A gunzipping stream that notices a file cut short. <see cref="GZipStream"/> ends silently where
/// the bytes stop, so a .gz cut exactly at a line boundary would read as complete. A gzip file ends
/// with the uncompressed length (mod 2^32); at the end of the data this compares it with what was
/// read and, when they differ, throws <see cref="InvalidDataException"/>, which every reader reports
/// as "cut short" while keeping the records before it. Files of several gzip members (a rare
/// concatenation) carry only the last member's length; they are recognised and not judged.
/// </summary>
sealed class GzipEndCheck(FileStream file) : Stream
{
    readonly GZipStream _inner = new(file, CompressionMode.Decompress, leaveOpen: true);
    long _length;
    bool _checked;

    public override int Read(byte[] buffer, int offset, int count) => Count(_inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(_inner.Read(buffer));

    int Count(int n)
    {
        _length += n;
        if (n == 0 && !_checked)
        {
            _checked = true;
            if (!EndsWithLength(file, _length))
                throw new InvalidDataException("the gzip data ends early (the file was cut short?)");
        }
        return n;
    }

    static bool EndsWithLength(FileStream file, long length)
    {
        if (file.Length < 18) return false;
        Span<byte> trailer = stackalloc byte[4];
        file.Seek(-4, SeekOrigin.End);
        file.ReadExactly(trailer);
        return BinaryPrimitives.ReadUInt32LittleEndian(trailer) == (uint)length || HasSecondMember(file);
    }

    /// <summary>Another gzip header (1f 8b 08) past the first: a multi-member file, whose trailer tells nothing about the whole.</summary>
    static bool HasSecondMember(FileStream file)
    {
        file.Position = 10;
        var buffer = new byte[1 << 16];
        var carry = 0;
        int n;
        while ((n = file.Read(buffer, carry, buffer.Length - carry)) > 0)
        {
            var end = carry + n;
            for (var i = 0; i + 2 < end; i++)
                if (buffer[i] == 0x1f && buffer[i + 1] == 0x8b && buffer[i + 2] == 0x08) return true;
            carry = Math.Min(2, end);
            Array.Copy(buffer, end - carry, buffer, 0, carry);
        }
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            file.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
