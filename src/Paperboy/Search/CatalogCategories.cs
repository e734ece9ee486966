using System.Runtime.CompilerServices;
using Lucene.Net.Index;

namespace Paperboy.Search;

/// <summary>One archive ("cs") and its categories ("cs.CL", "cs.LG"), as the search form offers them.</summary>
public sealed record CategoryGroup(string Archive, IReadOnlyList<string> Categories);

/// <summary>
/// The categories the catalog's papers actually carry, read from the search index's category terms
/// (no database query), once per index reader. The search form offers these instead of a free-text
/// box, where a guess such as "cs.cl" on a catalog without categories silently gave nothing.
/// </summary>
public static class CatalogCategories
{
    static readonly ConditionalWeakTable<DirectoryReader, IReadOnlyList<CategoryGroup>> Cache = new();

    public static IReadOnlyList<CategoryGroup> Of(SearchIndex index)
    {
        if (!index.IsSearchable) return [];
        using var snapshot = index.Acquire();
        return Cache.GetValue(snapshot.Reader, Read);
    }

    static IReadOnlyList<CategoryGroup> Read(DirectoryReader reader)
    {
        var names = new List<string>();
        var terms = MultiFields.GetTerms(reader, Documents.Category);
        if (terms is null) return [];
        var e = terms.GetEnumerator();
        while (e.MoveNext()) names.Add(Label(e.Term.Utf8ToString()));
        return names
            .GroupBy(n => n.Split('.')[0], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CategoryGroup(g.Key, g.OrderBy(n => n, StringComparer.Ordinal).ToList()))
            .ToList();
    }

    /// <summary>
    /// The index keeps categories in lower case (the filter is case-blind); arXiv writes subject classes of
    /// two or three letters in capitals ("cs.CL", "astro-ph.CO") and longer ones in lower case ("physics.optics").
    /// </summary>
    public static string Label(string term)
    {
        var dot = term.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || term.Length - dot - 1 > 3 || term[(dot + 1)..].Contains('-', StringComparison.Ordinal)) return term;
        return term[..(dot + 1)] + term[(dot + 1)..].ToUpperInvariant();
    }
}
