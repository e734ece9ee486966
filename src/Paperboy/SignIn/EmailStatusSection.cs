using Paperboy.Members;
using Paperboy.Web;

namespace Paperboy.SignIn;

/// <summary>The email part of /settings (<see cref="EmailStatus"/>): confirmed or not, and a way to get the link again.</summary>
public sealed class EmailStatusSection(EmailConfirmations confirmations) : IPageSection<SettingsPageContext>
{
    public string Slot => SettingsPageContext.Account;
    public int Order => 10;

    public Task<SectionView?> LoadAsync(SettingsPageContext page, HttpContext http, CancellationToken ct) =>
        Task.FromResult<SectionView?>(SectionView.Of<EmailStatus>(new Dictionary<string, object?>
        {
            [nameof(EmailStatus.Member)] = page.Member,
            [nameof(EmailStatus.Notice)] = http.Request.Query["email"].ToString(),
            [nameof(EmailStatus.CanSend)] = confirmations.CanSend,
        }));
}
