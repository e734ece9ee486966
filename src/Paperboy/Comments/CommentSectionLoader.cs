using Paperboy.Feed;
using Paperboy.Web;

namespace Paperboy.Comments;

/// <summary>The discussion under a paper (<see cref="CommentSection"/>), in the order the reader chose (?comments=oldest).</summary>
public sealed class CommentSectionLoader(CommentStore comments, TimeProvider time) : IPageSection<PaperPageContext>
{
    public string Slot => PaperPageContext.Discussion;
    public int Order => 10;

    public async Task<SectionView?> LoadAsync(PaperPageContext page, HttpContext http, CancellationToken ct)
    {
        var order = http.Request.Query["comments"] == "oldest" ? CommentOrder.Oldest : CommentOrder.Newest;
        return SectionView.Of<CommentSection>(new Dictionary<string, object?>
        {
            [nameof(CommentSection.Paper)] = page.Paper,
            [nameof(CommentSection.Member)] = await http.CurrentMemberAsync(),
            [nameof(CommentSection.Order)] = order,
            [nameof(CommentSection.Now)] = time.GetUtcNow(),
            [nameof(CommentSection.Thread)] = await comments.ThreadAsync(page.Paper.Id, order, ct),
        });
    }
}
