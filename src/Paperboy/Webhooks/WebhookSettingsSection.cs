using Paperboy.Members;
using Paperboy.Web;

namespace Paperboy.Webhooks;

/// <summary>The webhooks part of /settings (<see cref="WebhookSection"/>): the member's hooks and the groups a new one may post for.</summary>
public sealed class WebhookSettingsSection(WebhookStore hooks, Groups.GroupStore groups) : IPageSection<SettingsPageContext>
{
    public string Slot => SettingsPageContext.Account;
    public int Order => 40;

    public async Task<SectionView?> LoadAsync(SettingsPageContext page, HttpContext http, CancellationToken ct) =>
        SectionView.Of<WebhookSection>(new Dictionary<string, object?>
        {
            [nameof(WebhookSection.Hooks)] = await hooks.ListAsync(page.Member.Id, ct),
            [nameof(WebhookSection.Groups)] = page.Member.IsAdmin ? await groups.AllAsync(ct) : await groups.OfMemberAsync(page.Member.Id, ct),
            [nameof(WebhookSection.Notice)] = http.Request.Query["webhooks"].ToString() switch
            {
                "deleted" => "Webhook removed.",
                "resumed" => "Webhook resumed: what waited is posted within seconds.",
                _ => null,
            },
        });
}
