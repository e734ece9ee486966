using Paperboy.Search;

namespace Paperboy.Tests.Search;

[Trait("Engine", "independent")] // opens no database: runs on the first engine only (.ci/run)
public sealed class ParsedQueryTests
{
    [Theory]
    [InlineData("2405.21060", "2405.21060")]
    [InlineData("arXiv:2405.21060v2", "2405.21060")]
    [InlineData("  https://arxiv.org/abs/2405.21060v3  ", "2405.21060")]
    [InlineData("https://arxiv.org/pdf/2405.21060.pdf", "2405.21060")]
    [InlineData("hep-th/9901001v1", "hep-th/9901001")]
    public void AnArxivIdOrUrlIsRecognisedAsTheWholeQuery(string input, string id) =>
        Assert.Equal(id, ParsedQuery.Parse(input).ArxivId);

    [Theory]
    // input | terms | phrases (as stemmed words joined by +) | authors
    [InlineData("graph neural networks", "graph neural network", "", "")]
    [InlineData("\"graph neural networks\" for molecules", "molecul", "graph+neural+network", "")]
    [InlineData("author:Hinton deep learning", "deep learn", "", "Hinton")]
    [InlineData("author:\"Geoffrey Hinton\" capsules", "capsul", "", "Geoffrey Hinton")]
    [InlineData("AUTHOR:lecun", "", "", "lecun")]
    [InlineData("\"unbalanced quote", "unbalanc quot", "", "")]
    [InlineData("*:* AND OR NOT", "", "", "")]
    [InlineData("what is the state of the art", "state art", "", "")]
    [InlineData("\"one\" word phrase", "on word phrase", "", "")]
    [InlineData("control\u0000chars\u001b[31m", "control char 31m", "", "")]
    public void QueriesAreTakenApartIntoTermsPhrasesAndAuthors(string input, string terms, string phrases, string authors)
    {
        var q = ParsedQuery.Parse(input);
        Assert.Null(q.ArxivId);
        Assert.Equal(terms, string.Join(' ', q.Terms));
        Assert.Equal(phrases, string.Join(' ', q.Phrases.Select(p => string.Join('+', p.Select(t => t.Term)))));
        Assert.Equal(authors, string.Join('|', q.Authors));
    }

    [Fact]
    public void AHugeQueryIsCappedNotRejected()
    {
        var q = ParsedQuery.Parse(string.Join(' ', Enumerable.Range(0, 5000).Select(i => "word" + i)));
        Assert.True(q.Terms.Count <= ParsedQuery.MaxTerms);
        Assert.False(q.IsEmpty);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("the of and")]
    [InlineData("\"\"")]
    [InlineData("author:")]
    public void QueriesWithNothingToSearchForAreEmpty(string input) => Assert.True(ParsedQuery.Parse(input).IsEmpty);
}

[Trait("Engine", "independent")]
public sealed class HighlightsTests
{
    [Fact]
    public void MatchedWordsAreFlaggedByStemAndTheTextIsKeptExactly()
    {
        var terms = ParsedQuery.Parse("network training").AllTerms.ToHashSet();
        var segments = Highlights.Mark("Training <b>Neural</b> Networks & more", terms);
        Assert.Equal("Training <b>Neural</b> Networks & more", string.Concat(segments.Select(s => s.Text)));
        Assert.Equal(["Training", "Networks"], segments.Where(s => s.Matched).Select(s => s.Text));
    }

    [Fact]
    public void ASnippetIsCutAroundTheMatchesWithEllipses()
    {
        var text = string.Concat(Enumerable.Repeat("filler words here. ", 40)) + "The transformer attention result. " + string.Concat(Enumerable.Repeat("more filler. ", 40));
        var terms = ParsedQuery.Parse("attention").AllTerms.ToHashSet();
        var snippet = Highlights.Snippet(text, terms, maxChars: 120);
        Assert.Equal("…", snippet[0].Text);
        Assert.Equal("…", snippet[^1].Text);
        Assert.Contains(snippet, s => s.Matched && s.Text == "attention");
        Assert.True(string.Concat(snippet.Select(s => s.Text)).Length <= 130);
    }
}
