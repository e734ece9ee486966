using System.Xml;
using System.Xml.Linq;

namespace Paperboy.Ingestion;

/// <summary>
/// Streams the record elements of an arXiv XML response (Atom <c>entry</c>, OAI-PMH <c>record</c>),
/// one element in memory at a time. Elements are matched by local name: arXiv's OAI records come
/// both with their own namespace and, in hand-assembled files, inheriting the OAI-PMH one.
/// </summary>
public static class XmlRecords
{
    /// <summary>
    /// Yields what <paramref name="parse"/> makes of each element named in <paramref name="names"/>
    /// (null: nothing to report). A root other than <paramref name="root"/>, malformed XML or a
    /// cut-short file is reported once, after every complete record before it, and ends the read.
    /// </summary>
    public static IEnumerable<ReadResult> Read(Stream stream, string root, string format, IReadOnlySet<string> names, Func<XElement, long, ReadResult?> parse)
    {
        using var scanner = new Scanner(stream, root, format, names);
        long ordinal = 0;
        while (true)
        {
            XElement? element;
            string? error = null;
            try
            {
                element = scanner.Next();
            }
            catch (XmlException ex)
            {
                element = null;
                error = $"XML is malformed or cut short: {ex.Message}";
            }
            catch (FormatException ex)
            {
                element = null;
                error = ex.Message;
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException)
            {
                element = null;
                error = $"file is cut short or corrupt: {ex.Message}";
            }
            if (error is not null) { yield return ReadResult.Bad(ordinal + 1, error); yield break; }
            if (element is null) yield break;
            ordinal++;
            ReadResult? result;
            try { result = parse(element, ordinal); }
            catch (FormatException ex) { result = ReadResult.Bad(ordinal, ex.Message); }
            if (result is { } r) yield return r;
        }
    }

    /// <summary>The first child with this local name, in any namespace.</summary>
    public static XElement? Child(XElement parent, string localName) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    public static IEnumerable<XElement> Children(XElement parent, string localName) =>
        parent.Elements().Where(e => e.Name.LocalName == localName);

    /// <summary>A child's text with whitespace collapsed, or null when absent or blank.</summary>
    public static string? Text(XElement parent, string localName) =>
        Child(parent, localName) is { } child ? SourceText.Collapse(child.Value) : null;

    sealed class Scanner : IDisposable
    {
        readonly XmlReader _reader;
        readonly string _root;
        readonly string _format;
        readonly IReadOnlySet<string> _names;
        bool _rootSeen;
        bool _onUnreadNode; // XNode.ReadFrom leaves the reader on the node after the element, not yet looked at

        public Scanner(Stream stream, string root, string format, IReadOnlySet<string> names)
        {
            // No DTDs and no resolver: a source must not make us fetch or expand anything.
            _reader = XmlReader.Create(stream, new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Ignore,
                XmlResolver = null,
                IgnoreComments = true,
                IgnoreProcessingInstructions = true,
                CloseInput = false,
            });
            _root = root;
            _format = format;
            _names = names;
        }

        public XElement? Next()
        {
            while (true)
            {
                if (!_onUnreadNode && !_reader.Read())
                {
                    if (!_rootSeen) throw new XmlException("Root element is missing.");
                    return null;
                }
                _onUnreadNode = false;
                if (_reader.NodeType != XmlNodeType.Element) continue;
                if (!_rootSeen)
                {
                    _rootSeen = true;
                    if (_reader.LocalName != _root)
                        throw new FormatException($"not {_format}: the root element is <{_reader.Name}>, expected <{_root}>");
                    continue;
                }
                if (_names.Contains(_reader.LocalName))
                {
                    var element = (XElement)XNode.ReadFrom(_reader);
                    _onUnreadNode = true;
                    return element;
                }
            }
        }

        public void Dispose() => _reader.Dispose();
    }
}
