using Paperboy.Feed;
using Paperboy.Profiles;
using Paperboy.Web;

namespace Paperboy.Authors;

/// <summary>An author page's claim box (<see cref="AuthorClaimBox"/>): the approved member, the reader's pending claim, or "This is me".</summary>
public sealed class AuthorClaimSection(AuthorClaims claims) : IPageSection<AuthorPageContext>
{
    public string Slot => AuthorPageContext.Head;
    public int Order => 10;

    public async Task<SectionView?> LoadAsync(AuthorPageContext page, HttpContext http, CancellationToken ct)
    {
        // A blocked member reads the page as anyone else does: no claim of theirs, no form.
        var viewer = await http.CurrentMemberAsync() is { Blocked: false } member ? member : null;
        return SectionView.Of<AuthorClaimBox>(new Dictionary<string, object?>
        {
            [nameof(AuthorClaimBox.Name)] = page.Name,
            [nameof(AuthorClaimBox.SignedIn)] = viewer is not null,
            [nameof(AuthorClaimBox.Claim)] = await claims.ForNameAsync(page.Name, viewer?.Id, ct),
        });
    }
}

/// <summary>A member's profile: the author names approved for them and their papers (<see cref="ClaimedPapers"/>); nothing without one.</summary>
public sealed class ClaimedPapersSection(AuthorClaims claims) : IPageSection<ProfilePageContext>
{
    /// <summary>How many papers the profile lists.</summary>
    const int Shown = 30;

    public string Slot => ProfilePageContext.AfterGroups;
    public int Order => 10;

    public async Task<SectionView?> LoadAsync(ProfilePageContext page, HttpContext http, CancellationToken ct)
    {
        var names = await claims.ApprovedOfAsync(page.Member.Id, ct);
        if (names.Count == 0) return null;
        return SectionView.Of<ClaimedPapers>(new Dictionary<string, object?>
        {
            [nameof(ClaimedPapers.Names)] = names,
            [nameof(ClaimedPapers.Papers)] = await claims.PapersOfAsync(page.Member.Id, Shown, ct),
        });
    }
}
