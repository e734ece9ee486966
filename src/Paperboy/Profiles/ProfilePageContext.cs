using Paperboy.Members;

namespace Paperboy.Profiles;

/// <summary>A member's public profile as its sections see it (<see cref="Web.IPageSection{TPage}"/>): the member shown.</summary>
public sealed record ProfilePageContext(User Member)
{
    /// <summary>After the member's groups, before their submissions.</summary>
    public const string AfterGroups = "after-groups";
}
