using System.IO.Compression;

namespace Paperboy.Private;

/// <summary>
/// The decoders <see cref="PdfStreams"/> runs each stream through, one per filter PdfPig knows, each charging what it
/// produces to the file's one budget: they count bytes, they never keep them.
/// </summary>
static partial class PdfStreams
{
    /// <summary>Decoded bytes charged so far, for the whole file; past the limit, the file is refused as a bomb.</summary>
    internal sealed class Budget(long limit)
    {
        long _used;

        public void Charge(long bytes)
        {
            _used += bytes;
            if (_used > limit) throw new PdfRejectedException(PdfText.BombMessage);
        }
    }

    /// <summary>Charges every byte a filter produces, whether the next filter reads it or it is drained afterwards.</summary>
    sealed class Metered(Stream inner, Budget budget) : Decoder
    {
        protected override int Fill(Span<byte> output)
        {
            var read = inner.Read(output);
            budget.Charge(read);
            return read;
        }
    }

    /// <summary>A read-only stream that produces bytes into the caller's buffer.</summary>
    abstract class Decoder : Stream
    {
        protected abstract int Fill(Span<byte> output);
        public override int Read(byte[] buffer, int offset, int count) => Fill(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer) => Fill(buffer);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>The bytes of an input stream one at a time, read in blocks.</summary>
    sealed class ByteReader(Stream input)
    {
        readonly byte[] _block = new byte[16 * 1024];
        int _at, _length;

        /// <summary>The next byte, or −1 at the end.</summary>
        public int Next()
        {
            if (_at == _length)
            {
                _length = input.Read(_block, 0, _block.Length);
                _at = 0;
                if (_length <= 0) { _length = 0; return -1; }
            }
            return _block[_at++];
        }
    }

    /// <summary>PdfPig's FlateFilter: the first two bytes are skipped as the zlib header, whatever they are, and the rest inflated.</summary>
    sealed class FlateDecoder : Decoder
    {
        readonly DeflateStream _inflater;

        public FlateDecoder(Stream input)
        {
            input.ReadByte();
            input.ReadByte();
            _inflater = new DeflateStream(input, CompressionMode.Decompress);
        }

        protected override int Fill(Span<byte> output) => _inflater.Read(output);
    }

    /// <summary>Output of a decoder that produces a run at a time: the run is kept and handed out as asked.</summary>
    abstract class RunDecoder(Stream input) : Decoder
    {
        protected readonly ByteReader Input = new(input);
        protected byte[] Run = new byte[4096];
        protected int RunLength;
        int _runAt;
        protected bool Ended;

        /// <summary>Makes the next run (sets <see cref="RunLength"/>), or sets <see cref="Ended"/>.</summary>
        protected abstract void NextRun();

        protected override int Fill(Span<byte> output)
        {
            var written = 0;
            while (written < output.Length)
            {
                if (_runAt == RunLength)
                {
                    if (Ended) break;
                    RunLength = 0;
                    _runAt = 0;
                    NextRun();
                    continue;
                }
                var n = Math.Min(output.Length - written, RunLength - _runAt);
                Run.AsSpan(_runAt, n).CopyTo(output[written..]);
                _runAt += n;
                written += n;
            }
            return written;
        }

        protected void Emit(byte b)
        {
            if (RunLength == Run.Length) Array.Resize(ref Run, Run.Length * 2);
            Run[RunLength++] = b;
        }
    }

    /// <summary>
    /// PdfPig's LZW decoding: 9- to 12-bit codes, 256 clears, 257 ends, widths switching at PdfPig's thresholds
    /// (<c>/EarlyChange</c> 1 by default). PdfPig keeps every table entry it makes as an array, past the 4,096 a code can
    /// reach, until the next clear: each entry is charged at its length plus 48 bytes of overhead.
    /// </summary>
    sealed class LzwDecoder(Stream input, bool earlyChange, Budget budget) : RunDecoder(input)
    {
        const int Clear = 256, EndOfData = 257, Reachable = 4096, EntryOverhead = 48;
        readonly int[] _prefix = new int[Reachable];
        readonly byte[] _first = new byte[Reachable];
        readonly byte[] _last = new byte[Reachable];
        readonly int[] _length = new int[Reachable];
        readonly byte[] _scratch = new byte[Reachable + 1];
        long _count = 258;
        int _bits = 9, _previous = -1, _previousLength;
        int _bitBuffer, _bitCount;
        bool _broken;

        protected override void NextRun()
        {
            var code = ReadCode(_bits);
            if (code is < 0 or EndOfData) { Ended = true; return; }
            if (code == Clear)
            {
                _count = 258;
                _previous = -1;
                _bits = 9;
                _broken = false;
                return;
            }
            // A code past the next free one was taken as one; PdfPig fails on the code after it.
            if (_broken) { Ended = true; return; }
            int length;
            byte first;
            if (code < _count)
            {
                length = code < 256 ? 1 : _length[code];
                first = code < 256 ? (byte)code : _first[code];
                EmitEntry(code, length);
                if (_previous >= 0) Add(_previous, _previousLength, first);
            }
            else
            {
                // Not in the table yet (the "KwKwK" case): the previous entry and its own first byte.
                if (_previous < 0) { Ended = true; return; } // PdfPig fails here
                first = _previous < 256 ? (byte)_previous : _first[_previous];
                EmitEntry(_previous, _previousLength);
                Emit(first);
                length = _previousLength + 1;
                _broken = code != _count;
                Add(_previous, _previousLength, first);
            }
            _previous = code;
            _previousLength = length;
            var offset = earlyChange ? 0 : 1;
            _bits = _count >= 2047 + offset ? 12 : _count >= 1023 + offset ? 11 : _count >= 511 + offset ? 10 : 9;
        }

        void Add(int prefix, int prefixLength, byte last)
        {
            budget.Charge(prefixLength + 1 + EntryOverhead);
            if (_count < Reachable)
            {
                var entry = (int)_count;
                _prefix[entry] = prefix;
                _last[entry] = last;
                _first[entry] = prefix < 256 ? (byte)prefix : _first[prefix];
                _length[entry] = prefixLength + 1;
            }
            _count++;
        }

        void EmitEntry(int code, int length)
        {
            if (code < 256) { Emit((byte)code); return; }
            var at = length;
            while (code >= 256 && at > 1)
            {
                _scratch[--at] = _last[code];
                code = _prefix[code];
            }
            _scratch[0] = (byte)code;
            for (var i = 0; i < length; i++) Emit(_scratch[i]);
        }

        int ReadCode(int bits)
        {
            while (_bitCount < bits)
            {
                var b = Input.Next();
                if (b < 0) return -1; // PdfPig's bit reader throws at the end
                _bitBuffer = (_bitBuffer << 8) | b;
                _bitCount += 8;
            }
            _bitCount -= bits;
            var code = (_bitBuffer >> _bitCount) & ((1 << bits) - 1);
            _bitBuffer &= (1 << _bitCount) - 1;
            return code;
        }
    }

    /// <summary>PdfPig's ASCIIHex decoding: pairs of hex digits, white space and <c>&lt;</c> skipped, <c>&gt;</c> ends.</summary>
    sealed class AsciiHexDecoder(Stream input) : RunDecoder(input)
    {
        protected override void NextRun()
        {
            var high = -1;
            while (RunLength < 4096)
            {
                var b = Input.Next();
                if (b is < 0 or '>')
                {
                    if (high >= 0) Emit((byte)(high * 16));
                    Ended = true;
                    return;
                }
                if (b is 0 or '\t' or '\n' or '\f' or '\r' or ' ' or '<') continue;
                var digit = HexDigit(b);
                if (digit < 0) { Ended = true; return; } // PdfPig throws on a stray character
                if (high < 0) high = digit;
                else
                {
                    Emit((byte)(high * 16 + digit));
                    high = -1;
                }
            }
            if (high >= 0) Emit((byte)(high * 16)); // a run never splits a pair in practice; keep the count honest if it does
        }
    }

    /// <summary>PdfPig's ASCII85 decoding: groups of five characters make four bytes, <c>z</c> four zeros, <c>~</c> ends.</summary>
    sealed class Ascii85Decoder(Stream input) : RunDecoder(input)
    {
        readonly int[] _group = new int[5];
        int _index;

        protected override void NextRun()
        {
            while (RunLength < 4096)
            {
                var b = Input.Next();
                if (b < 0) { EndGroup(); Ended = true; return; }
                if (b is '\r' or '\n' or ' ') continue;
                if (b == '~') { EndGroup(); Ended = true; return; }
                if (b == 'z')
                {
                    if (_index > 0) { Ended = true; return; } // PdfPig throws on a z inside a group
                    for (var i = 0; i < 4; i++) Emit(0);
                    continue;
                }
                _group[_index++] = (byte)(b - '!');
                if (_index == 5)
                {
                    Write(5);
                    _index = 0;
                }
            }
        }

        void EndGroup()
        {
            if (_index >= 2) Write(_index);
            _index = 0;
        }

        void Write(int count)
        {
            for (var i = count; i < 5; i++) _group[i] = 'u' - '!';
            var value = unchecked(_group[0] * 85 * 85 * 85 * 85 + _group[1] * 85 * 85 * 85 + _group[2] * 85 * 85 + _group[3] * 85 + _group[4]);
            for (var i = 0; i < count - 1; i++) Emit((byte)(value >> (24 - 8 * i)));
        }
    }

    /// <summary>PdfPig's RunLength decoding: 0–127 copies the next n+1 bytes, 129–255 repeats the next byte 257−n times, 128 ends.</summary>
    sealed class RunLengthDecoder(Stream input) : RunDecoder(input)
    {
        protected override void NextRun()
        {
            var n = Input.Next();
            if (n is < 0 or 128) { Ended = true; return; }
            if (n < 128)
            {
                for (var i = 0; i <= n; i++)
                {
                    var b = Input.Next();
                    if (b < 0) { Ended = true; return; }
                    Emit((byte)b);
                }
                return;
            }
            var repeated = Input.Next();
            if (repeated < 0) { Ended = true; return; }
            for (var i = 0; i < 257 - n; i++) Emit((byte)repeated);
        }
    }

    static int HexDigit(int b) => b switch
    {
        >= '0' and <= '9' => b - '0',
        >= 'a' and <= 'f' => b - 'a' + 10,
        >= 'A' and <= 'F' => b - 'A' + 10,
        _ => -1,
    };
}
