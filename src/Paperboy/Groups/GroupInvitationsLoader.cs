using Paperboy.Web;

namespace Paperboy.Groups;

/// <summary>A group page's invitations (<see cref="GroupInvitationsSection"/>), for the site's admins (groups have no roles of their own).</summary>
public sealed class GroupInvitationsLoader(GroupInvitations invitations) : IPageSection<GroupPageContext>
{
    public string Slot => GroupPageContext.AfterMembers;
    public int Order => 10;

    public async Task<SectionView?> LoadAsync(GroupPageContext page, HttpContext http, CancellationToken ct) =>
        await http.CurrentMemberAsync() is not { Blocked: false, IsAdmin: true } ? null
        : SectionView.Of<GroupInvitationsSection>(new Dictionary<string, object?>
        {
            [nameof(GroupInvitationsSection.Group)] = page.Group,
            [nameof(GroupInvitationsSection.Pending)] = await invitations.PendingAsync(page.Group, ct),
            [nameof(GroupInvitationsSection.CanSend)] = invitations.CanSend,
        });
}
