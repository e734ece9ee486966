using Paperboy.Library;
using Paperboy.Web;

namespace Paperboy.Groups;

/// <summary>A collection page's sharing (<see cref="CollectionVisibility"/>): the group it is shared with, and for its owner their groups to choose from.</summary>
public sealed class CollectionVisibilitySection(GroupStore groups) : IPageSection<CollectionPageContext>
{
    public string Slot => CollectionPageContext.Head;
    public int Order => 10;

    public async Task<SectionView?> LoadAsync(CollectionPageContext page, HttpContext http, CancellationToken ct) =>
        SectionView.Of<CollectionVisibility>(new Dictionary<string, object?>
        {
            [nameof(CollectionVisibility.Collection)] = page.Collection,
            [nameof(CollectionVisibility.IsOwner)] = page.IsOwner,
            [nameof(CollectionVisibility.Shared)] = page.Collection.GroupId is { } id ? (await groups.AllAsync(ct)).FirstOrDefault(g => g.Id == id) : null,
            [nameof(CollectionVisibility.Mine)] = page.IsOwner ? await groups.OfMemberAsync(page.Collection.UserId, ct) : [],
        });
}
