using System.Data.Common;
using Dapper;
using Paperboy.Web;

namespace Paperboy.Papers;

/// <summary>The catalog's counts: papers (private ones are nobody's count but their readers'), daily entries, the latest day.</summary>
public sealed class PaperCounts : ICountPart
{
    public async Task<IReadOnlyList<SiteCount>> CountAsync(DbConnection c, CancellationToken ct)
    {
        var papers = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM papers WHERE id NOT IN (SELECT paper_id FROM private_papers)", cancellationToken: ct));
        var entries = await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM daily_entries", cancellationToken: ct));
        var latest = await c.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT MAX(day) FROM daily_entries", cancellationToken: ct));
        return
        [
            new(10, "papers", "papers", papers, Help: "Papers in the catalog."),
            new(20, "daily_entries", "daily entries", entries, Help: "Daily list entries."),
            new(90, "latest_day", "latest day", null, latest),
        ];
    }
}
