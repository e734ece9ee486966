using Paperboy.Members;
using Paperboy.Web;

namespace Paperboy.Digests;

/// <summary>The digest part of /settings (<see cref="MemberDigest"/>): the member's own subscription.</summary>
public sealed class MemberDigestSection(Subscriptions subscriptions, TimeProvider time) : IPageSection<SettingsPageContext>
{
    public string Slot => SettingsPageContext.Account;
    public int Order => 20;

    public async Task<SectionView?> LoadAsync(SettingsPageContext page, HttpContext http, CancellationToken ct)
    {
        var subscription = await subscriptions.OfMemberAsync(page.Member.Id, ct);
        // Not confirmed through this account yet: a link the member asked for may be waiting in their mailbox.
        if (subscription is not { Status: "confirmed" })
            subscription = await subscriptions.AwaitingConfirmationAsync(page.Member.Id, time.GetUtcNow(), ct) ?? subscription;
        return SectionView.Of<MemberDigest>(new Dictionary<string, object?>
        {
            [nameof(MemberDigest.Member)] = page.Member,
            [nameof(MemberDigest.Subscription)] = subscription,
            [nameof(MemberDigest.Notice)] = Notice(http.Request.Query["digest"].ToString()),
        });
    }

    /// <summary>What the last form did, from a fixed list (the query string is never echoed).</summary>
    static string? Notice(string done) => done switch
    {
        "subscribed" => "You are subscribed.",
        "sent" => SubscriptionApi.NeutralMessage,
        "frequency" => "Frequency saved.",
        "unsubscribed" => "You are unsubscribed: no more digests.",
        "bad-frequency" => "Choose daily or weekly.",
        _ => null,
    };
}
