using Paperboy.Web;

namespace Paperboy.Members;

/// <summary>
/// /settings as its sections see it (<see cref="IPageSection{TPage}"/>): the signed-in member. Other features put
/// their part of the page (email, digest, saved searches, webhooks, recommendations) in one of its slots.
/// </summary>
public sealed record SettingsPageContext(User Member)
{
    /// <summary>After the sign-out button and the page's messages, before "Your data".</summary>
    public const string Account = "account";

    /// <summary>After the API tokens, before the password.</summary>
    public const string Preferences = "preferences";
}
