using System.Globalization;
using System.Text;

namespace Paperboy.Papers;

/// <summary>
/// The key an author page is looked up by: lower case, accents folded, punctuation and runs of
/// spaces collapsed, so "Zoë  Smith" and "zoe smith" land on one page.
/// </summary>
public static class AuthorKey
{
    public static string Of(string name)
    {
        // The app runs with invariant globalization, where string.Normalize does not decompose,
        // so accents are folded with Lucene's table (ä → a, ł → l, ß → ss), the one search uses too.
        var input = name.ToCharArray();
        var folded = new char[input.Length * 4];
        var length = Lucene.Net.Analysis.Miscellaneous.ASCIIFoldingFilter.FoldToASCII(input, 0, folded, 0, input.Length);
        var decomposed = new string(folded, 0, length);
        var sb = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var ch in decomposed)
        {
            var cat = CharUnicodeInfo.GetUnicodeCategory(ch);
            if (cat == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsLetterOrDigit(ch))
            {
                if (space && sb.Length > 0) sb.Append(' ');
                sb.Append(char.ToLowerInvariant(ch));
                space = false;
            }
            else
            {
                space = true;
            }
        }
        return sb.ToString();
    }
}
