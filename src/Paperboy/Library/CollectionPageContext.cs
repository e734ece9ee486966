namespace Paperboy.Library;

/// <summary>A collection's page as its sections see it (<see cref="Web.IPageSection{TPage}"/>): the collection, and whether its owner is looking.</summary>
public sealed record CollectionPageContext(CollectionRow Collection, bool IsOwner)
{
    /// <summary>Under the title and feed links, before the papers.</summary>
    public const string Head = "head";
}
