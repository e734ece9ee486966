using Paperboy.Members;
using Paperboy.Web;

namespace Paperboy.Alerts;

/// <summary>The saved-searches part of /settings (<see cref="SavedSearchList"/>).</summary>
public sealed class SavedSearchSettings(SavedSearches searches, Digests.Subscriptions subscriptions) : IPageSection<SettingsPageContext>
{
    public string Slot => SettingsPageContext.Account;
    public int Order => 30;

    public async Task<SectionView?> LoadAsync(SettingsPageContext page, HttpContext http, CancellationToken ct) =>
        SectionView.Of<SavedSearchList>(new Dictionary<string, object?>
        {
            [nameof(SavedSearchList.Saved)] = await searches.ListAsync(page.Member.Id, ct),
            // Alerts by email go to a proven address only: the digest's confirmed subscription.
            [nameof(SavedSearchList.AddressProven)] = (await subscriptions.OfMemberAsync(page.Member.Id, ct))?.ConfirmedAt is not null,
            [nameof(SavedSearchList.Notice)] = http.Request.Query["searches"].ToString() switch
            {
                "saved" => "Search saved. New papers that match it will be in your digest; choose below how they should reach you.",
                "updated" => "Saved.",
                "deleted" => "Saved search deleted.",
                _ => null,
            },
        });
}
