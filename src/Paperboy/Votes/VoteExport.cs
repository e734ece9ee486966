using Paperboy.Members;
using Paperboy.Storage;

namespace Paperboy.Votes;

/// <summary>
/// The member's upvotes in their data export (and in export.bib): each paper with when it was upvoted, among
/// the papers they may see now (a member who left a group does not carry its drafts away in an export).
/// </summary>
public sealed class VoteExportPart(Database database) : IExportPart
{
    public string Name => "upvotes";
    public int Order => 20;

    public async Task<ExportedPart> ExportAsync(User member, Uri site, CancellationToken ct)
    {
        var upvoted = await ExportPapers.QueryAsync(database,
            $"SELECT p.*, v.created_at AS dated_at FROM votes v JOIN papers p ON p.id = v.paper_id WHERE v.user_id = @Id AND {Private.PrivatePaperStore.Visible("p.")} ORDER BY v.created_at, p.id",
            member.Id, ct);
        return new ExportedPart(upvoted.Select(x => ExportPapers.Json(x, site, "upvoted_at")).ToList()) { Papers = upvoted.Select(x => x.Paper).ToList() };
    }
}
