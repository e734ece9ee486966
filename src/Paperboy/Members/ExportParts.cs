using Dapper;
using Paperboy.Papers;
using Paperboy.Storage;

namespace Paperboy.Members;

/// <summary>
/// One feature's part of a member's data export (<see cref="DataExport"/>): the feature reads its own tables and
/// registers the part in its own AddX, so a new table never means editing the export. Parts go into
/// <c>export.json</c> under <see cref="Name"/>, in <see cref="Order"/>.
/// </summary>
public interface IExportPart
{
    /// <summary>The part's key in export.json, snake_case like the rest of the file.</summary>
    string Name { get; }

    /// <summary>Position in the file, lowest first.</summary>
    int Order { get; }

    /// <summary>The member's own rows, and the papers among them that belong in the BibTeX download.</summary>
    Task<ExportedPart> ExportAsync(User member, Uri site, CancellationToken ct);
}

/// <summary>A part's JSON value (null is written as null), and the papers it adds to export.bib (the ones saved or upvoted).</summary>
public sealed record ExportedPart(object? Json)
{
    public IReadOnlyList<Paper> Papers { get; init; } = [];
}

/// <summary>Papers with the time the member did something with them, as every part writes them.</summary>
public static class ExportPapers
{
    public sealed record Dated(Paper Paper, string At);

    /// <summary>Runs <paramref name="sql"/> (papers' columns, then <c>dated_at</c>; <c>@Id</c> is the member, and so is <c>@viewer</c>, for visibility rules).</summary>
    public static async Task<IReadOnlyList<Dated>> QueryAsync(Database database, string sql, long userId, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        return (await c.QueryAsync<Paper, string, Dated>(new CommandDefinition(sql, new { Id = userId, viewer = userId }, cancellationToken: ct),
            (p, at) => new Dated(p, at), splitOn: "dated_at")).AsList();
    }

    public static Dictionary<string, object?> Json(Dated x, Uri site, string dateKey) => new()
    {
        ["id"] = x.Paper.Id,
        ["title"] = x.Paper.Title,
        ["authors"] = x.Paper.AuthorList,
        ["published"] = x.Paper.Published,
        ["url"] = Syndication.PaperLinks.For(site, x.Paper.Id).AbsoluteUri,
        [dateKey] = x.At,
    };
}
