using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Paperboy.Storage;

namespace Paperboy.Web;

/// <summary>
/// Keeps the data-protection key ring (cookies, antiforgery tokens) in the database, so every
/// instance on one database shares it. The framework calls this rarely (on start, then about
/// daily) and synchronously, hence the blocking calls.
/// </summary>
public sealed class DatabaseKeyRepository(Database database, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var c = database.OpenAsync().GetAwaiter().GetResult();
        return c.Query<string>("SELECT xml FROM data_protection_keys ORDER BY created_at, name").Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var c = database.OpenAsync().GetAwaiter().GetResult();
        Insert(c, friendlyName, element.ToString(SaveOptions.DisableFormatting), time.GetUtcNow());
    }

    /// <summary>
    /// Once per start: brings in keys an earlier version kept in <c>{data}/keys</c> (so upgrading keeps
    /// everyone signed in), then makes sure a key exists while holding the instances' start-up lock, so
    /// instances starting together on an empty database do not each create a first key of their own.
    /// </summary>
    public static async Task InitializeAsync(Database database, string dataDir, TimeProvider time, Action ensureKey, CancellationToken ct)
    {
        var dir = Path.Combine(dataDir, "keys");
        await database.ExclusiveAsync(async c =>
        {
            if (Directory.Exists(dir))
            {
                foreach (var file in Directory.EnumerateFiles(dir, "*.xml"))
                    Insert(c, Path.GetFileNameWithoutExtension(file), await File.ReadAllTextAsync(file, ct), time.GetUtcNow());
            }
            ensureKey();
        }, ct);
    }

    static void Insert(System.Data.Common.DbConnection c, string name, string xml, DateTimeOffset at) =>
        c.Execute("INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@name, @xml, @at) ON CONFLICT (name) DO NOTHING",
            new { name, xml, at = StoredTime.Format(at) });
}
