using System.Text;

namespace Paperboy.Private;

/// <summary>A PDF name, decoded (<c>/Fl#61teDecode</c> is <c>FlateDecode</c>).</summary>
sealed record PdfName(string Value);

/// <summary>An indirect reference, <c>12 0 R</c>.</summary>
sealed record PdfReference(long Number, long Generation);

/// <summary>A string literal or hex string; its contents do not matter to the checks.</summary>
sealed class PdfString
{
    public static readonly PdfString Instance = new();
}

/// <summary>A PDF dictionary: decoded names to values (a key given twice keeps its last value).</summary>
sealed class PdfDictionary
{
    public static readonly PdfDictionary Empty = new();
    readonly Dictionary<string, object?> _entries = new(StringComparer.Ordinal);

    public bool Has(string key) => _entries.ContainsKey(key);
    public object? Get(string key) => _entries.GetValueOrDefault(key);
    public void Set(string key, object? value) => _entries[key] = value;
}

/// <summary>
/// Just enough of PDF's object syntax to read a stream's dictionary: dictionaries, arrays, names, numbers,
/// references, strings, booleans and null, with comments and white space between. Throws <see cref="FormatException"/>
/// on anything else, and on nesting deeper than 32 (a hostile file does not get to exhaust the stack).
/// </summary>
static class PdfSyntax
{
    const int MaxDepth = 32;

    public static bool IsWhitespace(byte b) => b is 0 or (byte)'\t' or (byte)'\n' or (byte)'\f' or (byte)'\r' or (byte)' ';

    public static bool IsDelimiter(byte b) => b is (byte)'(' or (byte)')' or (byte)'<' or (byte)'>' or (byte)'[' or (byte)']'
        or (byte)'{' or (byte)'}' or (byte)'/' or (byte)'%';

    static bool IsRegular(byte b) => !IsWhitespace(b) && !IsDelimiter(b);

    /// <summary>Decodes a name's <c>#xx</c> escapes into <paramref name="output"/> (at least as long as the input); returns the length.</summary>
    public static int DecodeName(ReadOnlySpan<byte> raw, Span<byte> output)
    {
        var length = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '#' && i + 2 < raw.Length && Hex(raw[i + 1]) is var high and >= 0 && Hex(raw[i + 2]) is var low and >= 0)
            {
                output[length++] = (byte)(high * 16 + low);
                i += 2;
            }
            else output[length++] = raw[i];
        }
        return length;
    }

    static int Hex(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>Reads one value starting at <paramref name="position"/> (white space and comments first), leaving it just after.</summary>
    public static object? ReadValue(ReadOnlySpan<byte> data, ref int position, int depth = 0)
    {
        if (depth > MaxDepth) throw new FormatException("nested too deeply");
        SkipSpace(data, ref position);
        if (position >= data.Length) throw new FormatException("ends early");
        var b = data[position];
        switch (b)
        {
            case (byte)'<' when position + 1 < data.Length && data[position + 1] == '<':
                {
                    position += 2;
                    var dictionary = new PdfDictionary();
                    while (true)
                    {
                        SkipSpace(data, ref position);
                        if (position + 1 < data.Length && data[position] == '>' && data[position + 1] == '>')
                        {
                            position += 2;
                            return dictionary;
                        }
                        if (ReadValue(data, ref position, depth + 1) is not PdfName key) throw new FormatException("a key is not a name");
                        dictionary.Set(key.Value, ReadValue(data, ref position, depth + 1));
                    }
                }
            case (byte)'<':
                {
                    for (position++; position < data.Length; position++)
                    {
                        if (data[position] == '>')
                        {
                            position++;
                            return PdfString.Instance;
                        }
                        if (Hex(data[position]) < 0 && !IsWhitespace(data[position])) throw new FormatException("not a hex string");
                    }
                    throw new FormatException("ends early");
                }
            case (byte)'(':
                {
                    var nesting = 0;
                    for (; position < data.Length; position++)
                    {
                        var c = data[position];
                        if (c == '\\') position++;
                        else if (c == '(') nesting++;
                        else if (c == ')' && --nesting == 0)
                        {
                            position++;
                            return PdfString.Instance;
                        }
                    }
                    throw new FormatException("ends early");
                }
            case (byte)'[':
                {
                    position++;
                    var list = new List<object?>();
                    while (true)
                    {
                        SkipSpace(data, ref position);
                        if (position < data.Length && data[position] == ']')
                        {
                            position++;
                            return list;
                        }
                        list.Add(ReadValue(data, ref position, depth + 1));
                    }
                }
            case (byte)'/':
                {
                    var start = ++position;
                    while (position < data.Length && IsRegular(data[position])) position++;
                    var raw = data[start..position];
                    var decoded = new byte[raw.Length];
                    return new PdfName(Encoding.Latin1.GetString(decoded, 0, DecodeName(raw, decoded)));
                }
            case (byte)'+' or (byte)'-' or (byte)'.' or >= (byte)'0' and <= (byte)'9':
                return ReadNumberOrReference(data, ref position);
            default:
                {
                    var start = position;
                    while (position < data.Length && IsRegular(data[position])) position++;
                    return data[start..position] switch
                    {
                        var k when k.SequenceEqual("true"u8) => true,
                        var k when k.SequenceEqual("false"u8) => false,
                        var k when k.SequenceEqual("null"u8) => null,
                        _ => throw new FormatException("not a value"),
                    };
                }
        }
    }

    /// <summary>A number, or <c>N G R</c> when the number is followed by a second and <c>R</c>.</summary>
    static object ReadNumberOrReference(ReadOnlySpan<byte> data, ref int position)
    {
        var number = ReadNumber(data, ref position);
        if (number is not long n || n < 0) return number;
        var after = position;
        SkipSpace(data, ref after);
        if (after >= data.Length || data[after] is < (byte)'0' or > (byte)'9') return number;
        if (ReadNumber(data, ref after) is not long generation) return number;
        SkipSpace(data, ref after);
        if (after < data.Length && data[after] == 'R' && (after + 1 == data.Length || !IsRegular(data[after + 1])))
        {
            position = after + 1;
            return new PdfReference(n, generation);
        }
        return number;
    }

    static object ReadNumber(ReadOnlySpan<byte> data, ref int position)
    {
        var start = position;
        while (position < data.Length && IsRegular(data[position])) position++;
        var text = Encoding.ASCII.GetString(data[start..position]);
        if (long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var integer)) return integer;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var real)) return real;
        throw new FormatException("not a number");
    }

    static void SkipSpace(ReadOnlySpan<byte> data, ref int position)
    {
        while (position < data.Length)
        {
            if (IsWhitespace(data[position])) position++;
            else if (data[position] == '%')
                while (position < data.Length && data[position] is not ((byte)'\r' or (byte)'\n')) position++;
            else return;
        }
    }
}
