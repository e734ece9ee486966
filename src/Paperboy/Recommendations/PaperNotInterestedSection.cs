using Paperboy.Feed;
using Paperboy.Web;

namespace Paperboy.Recommendations;

/// <summary>A paper page's "not interested" (<see cref="PaperNotInterested"/>), for a signed-in reader who is not blocked.</summary>
public sealed class PaperNotInterestedSection(RecommendationStore store) : IPageSection<PaperPageContext>
{
    public string Slot => PaperPageContext.Actions;
    public int Order => 20;

    public async Task<SectionView?> LoadAsync(PaperPageContext page, HttpContext http, CancellationToken ct) =>
        await http.CurrentMemberAsync() is not { Blocked: false } member ? null
        : SectionView.Of<PaperNotInterested>(new Dictionary<string, object?>
        {
            [nameof(PaperNotInterested.Paper)] = page.Paper,
            [nameof(PaperNotInterested.Marked)] = await store.IsNotInterestedAsync(member.Id, page.Paper.Id, ct),
        });
}
