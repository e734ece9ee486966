using Dapper;
using Paperboy.Members;
using Paperboy.Storage;

namespace Paperboy.Library;

/// <summary>
/// The member's library in their data export (and in export.bib): each paper with when it was saved, as the
/// library page lists them (the papers they may see now: a member who left a group does not carry its drafts away).
/// </summary>
public sealed class LibraryExportPart(Database database) : IExportPart
{
    public string Name => "library";
    public int Order => 10;

    public async Task<ExportedPart> ExportAsync(User member, Uri site, CancellationToken ct)
    {
        var saved = await ExportPapers.QueryAsync(database,
            $"SELECT p.*, i.created_at AS dated_at FROM library_items i JOIN papers p ON p.id = i.paper_id WHERE i.user_id = @Id AND {Private.PrivatePaperStore.Visible("p.")} ORDER BY i.created_at, p.id",
            member.Id, ct);
        return new ExportedPart(saved.Select(x => ExportPapers.Json(x, site, "saved_at")).ToList()) { Papers = saved.Select(x => x.Paper).ToList() };
    }
}

/// <summary>The member's collections in their data export, private ones too, each with the papers they may see and when they were added.</summary>
public sealed class CollectionsExportPart(Database database) : IExportPart
{
    public string Name => "collections";
    public int Order => 30;

    sealed class Row
    {
        public long Id { get; set; }
        public string Name { get; set; } = "";
        public bool IsPublic { get; set; }
        public string CreatedAt { get; set; } = "";
        public List<ExportPapers.Dated> Items { get; } = [];
    }

    public async Task<ExportedPart> ExportAsync(User member, Uri site, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var collections = (await c.QueryAsync<Row>(new CommandDefinition(
            "SELECT id, name, is_public, created_at FROM collections WHERE user_id = @Id ORDER BY name", new { member.Id }, cancellationToken: ct))).AsList();
        var items = await c.QueryAsync<Papers.Paper, string, long, (Papers.Paper Paper, string At, long Collection)>(new CommandDefinition($"""
            SELECT p.*, i.created_at AS dated_at, i.collection_id FROM collection_items i JOIN papers p ON p.id = i.paper_id
            JOIN collections k ON k.id = i.collection_id WHERE k.user_id = @Id AND {Private.PrivatePaperStore.Visible("p.")} ORDER BY i.created_at, p.id
            """, new { member.Id, viewer = member.Id }, cancellationToken: ct), (p, at, k) => (p, at, k), splitOn: "dated_at,collection_id");
        var byId = collections.ToDictionary(k => k.Id);
        foreach (var (paper, at, k) in items) byId[k].Items.Add(new ExportPapers.Dated(paper, at));
        return new ExportedPart(collections.Select(k => new
        {
            k.Id,
            k.Name,
            Public = k.IsPublic,
            k.CreatedAt,
            Url = new Uri(site, $"collections/{k.Id}").AbsoluteUri,
            Papers = k.Items.Select(x => ExportPapers.Json(x, site, "added_at")),
        }).ToList());
    }
}
