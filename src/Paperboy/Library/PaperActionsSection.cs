using Paperboy.Feed;
using Paperboy.Members;
using Paperboy.Web;

namespace Paperboy.Library;

/// <summary>A paper page's save and add-to-collection (<see cref="PaperActions"/>), for a signed-in reader who is not blocked.</summary>
public sealed class PaperActionsSection(LibraryStore library) : IPageSection<PaperPageContext>
{
    public string Slot => PaperPageContext.Actions;
    public int Order => 10;

    public async Task<SectionView?> LoadAsync(PaperPageContext page, HttpContext http, CancellationToken ct)
    {
        if (await http.CurrentMemberAsync() is not { Blocked: false } member) return null;
        var collections = await library.CollectionsAsync(member, publicOnly: false, ct);
        return SectionView.Of<PaperActions>(new Dictionary<string, object?>
        {
            [nameof(PaperActions.Paper)] = page.Paper,
            [nameof(PaperActions.Member)] = member,
            [nameof(PaperActions.Saved)] = await library.IsSavedAsync(member.Id, page.Paper.Id, ct),
            [nameof(PaperActions.Collections)] = collections,
            [nameof(PaperActions.Holding)] = collections.Count > 0 ? await library.CollectionsHoldingAsync(member.Id, page.Paper.Id, ct) : new HashSet<long>(),
        });
    }
}
