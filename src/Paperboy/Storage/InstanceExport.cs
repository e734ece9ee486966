using System.Data;
using System.Data.Common;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Paperboy.Storage;

/// <summary>
/// A whole instance as one JSON Lines stream, to move it between engines (SQLite ⇄ PostgreSQL) or
/// machines. Line 1: <c>{"paperboy_export":1,"schema":N,"exported_at":"..."}</c>; then one row a
/// line, <c>{"table":"papers","row":{...}}</c>, tables in <see cref="Tables"/> order (parents before
/// the rows that refer to them), rows in primary-key byte order; last line
/// <c>{"end":{"papers":N,...}}</c>, the row count of every table, so a truncated file is detected.
/// Values are written as stored: text, integers, flags as 0/1 (SQLite's form), bytes (a private
/// paper's PDF) as base64 text, null. The same database exports to the same bytes from either engine,
/// apart from <c>exported_at</c>.
/// </summary>
public static class InstanceExport
{
    public const int FormatVersion = 1;

    /// <summary>
    /// Every table that holds data, in an order that satisfies foreign keys. A new table is one
    /// line here (or in <see cref="Skipped"/>); a test fails while the schema has a table in neither.
    /// </summary>
    public static readonly IReadOnlyList<string> Tables =
    [
        "papers", "paper_authors", "daily_entries", "import_fingerprints",
        "paper_media", "paper_thumbnails",
        "users", "api_tokens", "password_resets", "sso_logins", "email_confirmations", "votes", "comments", "submissions", "club_sessions",
        "library_items", "collections", "collection_items", "audit_log",
        "harvest_state",
        "subscriptions", "saved_searches", "subscription_tokens", "outbox", "digest_runs",
        "not_interested", "recommendation_settings",
        "groups", "group_members", "private_papers", "private_pdfs",
        "webhooks", "webhook_deliveries",
        "author_claims", "group_invitations",
    ];

    /// <summary>Tables deliberately left out, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> Skipped = new Dictionary<string, string>
    {
        ["schema_migrations"] = "the export's header carries the schema version; the target runs its own migrations",
        // A target that has served once already has its own ring; members sign in again after a move.
        ["data_protection_keys"] = "the cookie key ring is the instance's own secret, not data to carry",
        // Derived from titles and abstracts; the target's embedder recomputes them in the background.
        ["paper_vectors"] = "model vectors are derived data: the target embeds its papers again",
        ["work_leases"] = "who is doing background work right now, meaningless elsewhere",
        ["sessions"] = "sessions belong to the key ring's cookies; members sign in again after a move",
    };

    static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the whole database to <paramref name="output"/> from one consistent snapshot; returns rows per table.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> ExportAsync(Database database, Stream output, DateTimeOffset exportedAt, Action<string, long>? progress = null, CancellationToken ct = default)
    {
        await database.MigrateAsync(ct);
        await using var connection = await database.OpenAsync(ct);
        var columns = new Dictionary<string, IReadOnlyList<TableColumn>>();
        foreach (var table in Tables) columns[table] = await database.Dialect.ColumnsAsync(connection, table, ct);

        // One snapshot: rows written meanwhile by a running server are all in or all out.
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var schema = await Database.SchemaVersionAsync(connection, tx, ct);
        var counts = new Dictionary<string, long>();
        await using var json = new Utf8JsonWriter(output, WriterOptions);

        json.WriteStartObject();
        json.WriteNumber("paperboy_export", FormatVersion);
        json.WriteNumber("schema", schema);
        json.WriteString("exported_at", StoredTime.Format(exportedAt));
        json.WriteEndObject();
        await EndLineAsync(json, output, ct);

        foreach (var table in Tables)
        {
            var cols = columns[table];
            if (cols.Count == 0) throw new InvalidOperationException($"table {table} is missing from the database");
            var key = cols.Where(c => c.Key > 0).OrderBy(c => c.Key).DefaultIfEmpty(cols[0])
                .Select(c => c.Kind == ColumnKind.Text ? database.Dialect.Bytewise(c.Name) : c.Name);
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = $"SELECT {string.Join(", ", cols.Select(c => c.Name))} FROM {table} ORDER BY {string.Join(", ", key)}";
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            long count = 0;
            while (await reader.ReadAsync(ct))
            {
                json.WriteStartObject();
                json.WriteString("table", table);
                json.WriteStartObject("row");
                for (var i = 0; i < cols.Count; i++)
                {
                    json.WritePropertyName(cols[i].Name);
                    WriteValue(json, reader.GetValue(i));
                }
                json.WriteEndObject();
                json.WriteEndObject();
                await EndLineAsync(json, output, ct);
                if (++count % 10_000 == 0) progress?.Invoke(table, count);
            }
            counts[table] = count;
        }

        json.WriteStartObject();
        json.WriteStartObject("end");
        foreach (var (table, count) in counts) json.WriteNumber(table, count);
        json.WriteEndObject();
        json.WriteEndObject();
        await EndLineAsync(json, output, ct);
        await tx.CommitAsync(ct);
        return counts;
    }

    static void WriteValue(Utf8JsonWriter json, object value)
    {
        switch (value)
        {
            case DBNull: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(s); break;
            case bool b: json.WriteNumberValue(b ? 1 : 0); break;
            case long l: json.WriteNumberValue(l); break;
            case int i: json.WriteNumberValue(i); break;
            case short s16: json.WriteNumberValue(s16); break;
            case double d: json.WriteNumberValue(d); break;
            case float f: json.WriteNumberValue(f); break;
            case decimal m: json.WriteNumberValue(m); break;
            case byte[] bytes: json.WriteBase64StringValue(bytes); break;
            default: json.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
        }
    }

    static async Task EndLineAsync(Utf8JsonWriter json, Stream output, CancellationToken ct)
    {
        await json.FlushAsync(ct);
        output.WriteByte((byte)'\n');
        json.Reset(output);
    }
}
