using System.Xml;

namespace Paperboy.Harvest;

/// <summary>A record's OAI header: its identifier and whether the source deleted it.</summary>
public sealed record OaiHeader(string Identifier, bool Deleted);

/// <summary>
/// The envelope of one OAI-PMH response: what the paper reader does not tell us — the
/// resumptionToken that chains pages, deleted records (arXiv's withdrawals), and protocol errors.
/// Reading it to the end also proves the page is whole: a truncated body is an <see cref="XmlException"/>.
/// </summary>
public sealed record OaiPage(string? ResumptionToken, long? CompleteListSize, IReadOnlyList<OaiHeader> Headers, string? ErrorCode, string? ErrorMessage)
{
    const string OaiNamespace = "http://www.openarchives.org/OAI/2.0/";

    public static OaiPage Parse(byte[] body)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
        using var reader = XmlReader.Create(new MemoryStream(body, writable: false), settings);
        string? token = null, errorCode = null, errorMessage = null;
        long? size = null;
        var headers = new List<OaiHeader>();
        var sawRoot = false;
        // ReadElementContentAsString leaves the reader on the next node already: don't skip it.
        var positioned = false;
        while (positioned || reader.Read())
        {
            positioned = false;
            if (reader.NodeType != XmlNodeType.Element || reader.NamespaceURI != OaiNamespace) continue;
            switch (reader.LocalName)
            {
                case "OAI-PMH":
                    sawRoot = true;
                    break;
                case "error":
                    errorCode = reader.GetAttribute("code");
                    errorMessage = reader.ReadElementContentAsString().Trim();
                    positioned = true;
                    break;
                case "header":
                    var deleted = reader.GetAttribute("status") == "deleted";
                    var identifier = "";
                    using (var header = reader.ReadSubtree())
                    {
                        while (header.Read())
                        {
                            if (header.NodeType == XmlNodeType.Element && header.LocalName == "identifier")
                                identifier = header.ReadElementContentAsString().Trim();
                        }
                    }
                    headers.Add(new OaiHeader(identifier, deleted));
                    break;
                case "resumptionToken":
                    if (long.TryParse(reader.GetAttribute("completeListSize"), out var n)) size = n;
                    var text = reader.ReadElementContentAsString().Trim();
                    positioned = true;
                    // An empty token marks the last page of a list.
                    token = text.Length == 0 ? null : text;
                    break;
            }
        }
        if (!sawRoot) throw new XmlException("not an OAI-PMH response (no <OAI-PMH> root)");
        return new OaiPage(token, size, headers, errorCode, errorMessage);
    }

    /// <summary>Why a body cannot be used as an OAI page, or null when it can.</summary>
    public static string? Validate(byte[] body)
    {
        try
        {
            Parse(body);
            return null;
        }
        catch (XmlException ex)
        {
            return $"truncated or invalid XML ({body.Length:N0} bytes): {ex.Message}";
        }
    }
}
