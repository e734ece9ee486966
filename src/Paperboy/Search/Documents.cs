using Lucene.Net.Documents;
using Lucene.Net.Util;
using Paperboy.Papers;

namespace Paperboy.Search;

/// <summary>How a paper becomes a Lucene document: the field names and what goes in each.</summary>
public static class Documents
{
    public const string Id = "id";
    /// <summary>Title and abstract together: the main BM25 field, with term vectors for feedback and more-like-this.</summary>
    public const string Text = "text";
    public const string Title = "title";
    public const string Authors = "authors";
    public const string Category = "category";
    public const string Published = "published";

    static readonly FieldType TextWithVectors = new(TextField.TYPE_NOT_STORED) { StoreTermVectors = true };

    static Documents() => TextWithVectors.Freeze();

    public static Document Of(Paper p)
    {
        var doc = new Document
        {
            new StringField(Id, p.Id, Field.Store.YES),
            new SortedDocValuesField(Id, new BytesRef(p.Id)),
            new Field(Text, p.Title + "\n" + p.Abstract, TextWithVectors),
            new TextField(Title, p.Title, Field.Store.NO),
            new TextField(Authors, string.Join("; ", p.AuthorList), Field.Store.NO),
        };
        foreach (var c in p.CategoryList) doc.Add(new StringField(Category, c.ToLowerInvariant(), Field.Store.NO));
        if (p.Published is { Length: > 0 } published) doc.Add(new StringField(Published, published, Field.Store.NO));
        return doc;
    }

    /// <summary>What the built-in embedder reads of a paper: the analysed title and abstract.</summary>
    public static List<string> EmbeddingTerms(Paper p) => TextAnalysis.Terms(p.Title + "\n" + p.Abstract);
}
