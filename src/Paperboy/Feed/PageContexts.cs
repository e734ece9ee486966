using Paperboy.Papers;

namespace Paperboy.Feed;

/// <summary>
/// A paper's page as its sections see it (<see cref="Web.IPageSection{TPage}"/>): Library's save and collect, Recommendations'
/// "not interested" and Comments' discussion are other features' parts of it, loaded per request by the page's handler.
/// </summary>
public sealed record PaperPageContext(Paper Paper)
{
    /// <summary>Under the paper's links and upvote, where the eye already is.</summary>
    public const string Actions = "actions";

    /// <summary>After the article.</summary>
    public const string Discussion = "discussion";
}

/// <summary>An author's page as its sections see it: the name as the papers spell it.</summary>
public sealed record AuthorPageContext(string Name)
{
    /// <summary>Under the page's title and feeds.</summary>
    public const string Head = "head";
}
