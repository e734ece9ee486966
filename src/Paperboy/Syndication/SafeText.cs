using System.Text;

namespace Paperboy.Syndication;

/// <summary>
/// Titles and abstracts come from outside and may hold characters XML 1.0 forbids (U+0001,
/// lone surrogates, U+FFFE). An XmlWriter refuses them, and a feed reader would reject the whole
/// feed, so they are dropped before writing. Tabs and newlines are kept.
/// </summary>
public static class SafeText
{
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (IsClean(text)) return text;
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (char.IsHighSurrogate(ch) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(ch).Append(text[++i]);
            }
            else if (System.Xml.XmlConvert.IsXmlChar(ch))
            {
                sb.Append(ch);
            }
        }
        return sb.ToString();
    }

    static bool IsClean(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (System.Xml.XmlConvert.IsXmlChar(ch)) continue;
            if (char.IsHighSurrogate(ch) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            return false;
        }
        return true;
    }
}
