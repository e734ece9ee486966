using Paperboy.Members;
using Paperboy.Web;

namespace Paperboy.Alerts;

/// <summary>The saved-searches part of /settings (<see cref="SavedSearchList"/>).</summary>
public sealed class SavedSearchSettings(SavedSearches searches, Digests.Subscriptions subscriptions, TimeProvider time) : IPageSection<SettingsPageContext>
{
    public string Slot => SettingsPageContext.Account;
    public int Order => 30;

    public async Task<SectionView?> LoadAsync(SettingsPageContext page, HttpContext http, CancellationToken ct)
    {
        var saved = await searches.ListAsync(page.Member.Id, ct);
        var subscription = await subscriptions.OfMemberAsync(page.Member.Id, ct);
        // A subscription asked for from /settings is the member's only once its mailed link is opened (as MemberDigestSection shows it).
        var awaiting = subscription is { Status: "confirmed" } ? null : await subscriptions.AwaitingConfirmationAsync(page.Member.Id, time.GetUtcNow(), ct);
        return SectionView.Of<SavedSearchList>(new Dictionary<string, object?>
        {
            [nameof(SavedSearchList.Saved)] = saved,
            [nameof(SavedSearchList.Warning)] = Warning(saved, subscription, awaiting is not null),
            [nameof(SavedSearchList.Notice)] = http.Request.Query["searches"].ToString() switch
            {
                "saved" => subscription?.Status == "confirmed"
                    ? "Search saved. New papers that match it will be in your digest; choose below how they should reach you."
                    : "Search saved; choose below how its new papers should reach you.", // and the warning says what is missing
                "exists" => "You had saved this search already; here it is.",
                "updated" => "Saved.",
                "deleted" => "Saved search deleted.",
                _ => null,
            },
        });
    }

    /// <summary>
    /// Why some of these searches reach nobody yet, and the step that fixes it: "in my digest" needs a confirmed
    /// digest subscription (DigestComposer), an alert email a proven address (a subscription confirmed once, AlertComposer).
    /// </summary>
    static string? Warning(IReadOnlyList<SavedSearch> saved, Digests.Subscriptions.MemberSubscription? subscription, bool awaiting)
    {
        if (saved.Any(s => s.Delivery == "email") && subscription?.ConfirmedAt is null)
            return $"Alerts by email wait until you {NextStep(subscription, awaiting)}.";
        if (saved.Any(s => s.Delivery == "digest") && subscription?.Status != "confirmed")
            return $"Searches set to “In my digest” reach you once you {NextStep(subscription, awaiting)}.";
        return null;
    }

    static string NextStep(Digests.Subscriptions.MemberSubscription? subscription, bool awaiting) =>
        awaiting ? "open the link we mailed you to confirm your digest subscription"
        : subscription is null ? "subscribe to the digest on this page and open the link we mail you"
        : subscription.ConfirmedAt is null ? "open the link we mailed you to confirm your digest subscription"
        : "subscribe to the digest again on this page";
}
