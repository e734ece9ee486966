using Paperboy.Members;
using Paperboy.Web;

namespace Paperboy.Digests;

/// <summary>The digest part of /settings (<see cref="MemberDigest"/>): the member's own subscription.</summary>
public sealed class MemberDigestSection(Subscriptions subscriptions) : IPageSection<SettingsPageContext>
{
    public string Slot => SettingsPageContext.Account;
    public int Order => 20;

    public async Task<SectionView?> LoadAsync(SettingsPageContext page, HttpContext http, CancellationToken ct) =>
        SectionView.Of<MemberDigest>(new Dictionary<string, object?>
        {
            [nameof(MemberDigest.Member)] = page.Member,
            [nameof(MemberDigest.Subscription)] = await subscriptions.OfMemberAsync(page.Member.Id, ct),
            [nameof(MemberDigest.Notice)] = Notice(http.Request.Query["digest"].ToString()),
        });

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
