using System.Data.Common;
using Dapper;
using Paperboy.Web;

namespace Paperboy.Members;

/// <summary>Member accounts, blocked ones included.</summary>
public sealed class MemberCounts : ICountPart
{
    public async Task<IReadOnlyList<SiteCount>> CountAsync(DbConnection c, CancellationToken ct) =>
    [
        new(30, "members", "members", await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM users", cancellationToken: ct)),
            Help: "Member accounts."),
    ];
}
