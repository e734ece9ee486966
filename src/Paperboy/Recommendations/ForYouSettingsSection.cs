using Paperboy.Members;
using Paperboy.Web;

namespace Paperboy.Recommendations;

/// <summary>The recommendations part of /settings (<see cref="ForYouSettings"/>): the member's blend, last reset and private feed.</summary>
public sealed class ForYouSettingsSection(RecommendationStore store) : IPageSection<SettingsPageContext>
{
    public string Slot => SettingsPageContext.Preferences;
    public int Order => 10;

    public async Task<SectionView?> LoadAsync(SettingsPageContext page, HttpContext http, CancellationToken ct) =>
        SectionView.Of<ForYouSettings>(new Dictionary<string, object?>
        {
            [nameof(ForYouSettings.Settings)] = await store.SettingsAsync(page.Member.Id, ct),
        });
}
