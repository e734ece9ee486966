using System.Data.Common;
using Paperboy.Digests;
using Paperboy.Members;
using Paperboy.Papers;
using Paperboy.Storage;

namespace Paperboy.Web;

/// <summary>
/// One count of the site, for <c>paperboy stats</c> (under <see cref="Key"/>, labelled <see cref="Label"/>)
/// and for <c>/metrics</c> (as the gauge <c>paperboy_{Key}</c>, when it is a number and has <see cref="Help"/>).
/// </summary>
public sealed record SiteCount(int Order, string Key, string Label, long? Number, string? Text = null, string? Help = null);

/// <summary>A feature's counts of its own tables: adding a feature's count never means editing another feature's file.</summary>
public interface ICountPart
{
    Task<IReadOnlyList<SiteCount>> CountAsync(DbConnection c, CancellationToken ct);
}

/// <summary>The counts of every feature that has some: the one list, as <see cref="WebApp"/> lists the features.</summary>
public static class SiteCounts
{
    static readonly ICountPart[] Parts = [new PaperCounts(), new MemberCounts(), new SubscriberCounts()];

    /// <summary>Every count, in their order, on one connection to a migrated database.</summary>
    public static async Task<IReadOnlyList<SiteCount>> CountAsync(Database database, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var counts = new List<SiteCount>();
        foreach (var part in Parts) counts.AddRange(await part.CountAsync(c, ct));
        return counts.OrderBy(x => x.Order).ToList();
    }
}
