using System.Data.Common;
using Dapper;
using Paperboy.Web;

namespace Paperboy.Digests;

/// <summary>Digest subscribers: only confirmed addresses; pending and unsubscribed ones are kept but not counted.</summary>
public sealed class SubscriberCounts : ICountPart
{
    public async Task<IReadOnlyList<SiteCount>> CountAsync(DbConnection c, CancellationToken ct) =>
    [
        new(40, "subscribers", "subscribers", await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM subscriptions WHERE status = 'confirmed'", cancellationToken: ct)), Help: "Digest subscribers."),
    ];
}
