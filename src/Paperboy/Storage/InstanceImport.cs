using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace Paperboy.Storage;

/// <summary>A line of an export that cannot be restored; nothing of the file was kept.</summary>
public sealed class ExportFileException(long line, string message) : Exception(message)
{
    public long Line { get; } = line;
}

/// <summary>
/// Restores an <see cref="InstanceExport"/> file into an empty database, in one transaction: a
/// truncated or garbled file, or one the database refuses, leaves the target as it was. Ids,
/// password and token hashes and the outbox are kept as they are; generated ids continue after
/// the largest restored one. Rows are streamed in bulk inserts, so memory stays flat.
/// </summary>
public static class InstanceImport
{
    public static async Task<IReadOnlyDictionary<string, long>> RestoreAsync(Database database, Stream input, Action<long>? progress = null, CancellationToken ct = default)
    {
        using var reader = new StreamReader(input, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        long line = 0;
        string? ReadLine()
        {
            try
            {
                var text = reader.ReadLine();
                if (text is not null) line++;
                return text;
            }
            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException)
            {
                throw new ExportFileException(line + 1, $"unreadable: {ex.Message}");
            }
        }

        var header = ReadLine() ?? throw new ExportFileException(1, "empty file");
        var schema = ReadHeader(header);
        var known = database.Dialect.Migrations.Max(m => m.Version);
        if (schema > known)
            throw new ExportFileException(1, $"exported at schema {schema}, newer than this paperboy knows ({known}); upgrade paperboy first");

        await database.MigrateAsync(ct);
        await using var connection = await database.OpenAsync(ct);
        var targets = new Dictionary<string, Dictionary<string, TableColumn>>();
        foreach (var table in InstanceExport.Tables)
            targets[table] = (await database.Dialect.ColumnsAsync(connection, table, ct)).ToDictionary(c => c.Name);

        await using var tx = await connection.BeginTransactionAsync(ct);
        await RefuseUnlessEmptyAsync(connection, tx, ct);

        var counts = InstanceExport.Tables.ToDictionary(t => t, _ => 0L);
        var pending = new PendingRows(connection, tx);
        Dictionary<string, long>? end = null;
        string? text;
        while ((text = ReadLine()) is not null)
        {
            ct.ThrowIfCancellationRequested();
            if (text.Length == 0) continue;
            if (end is not null) throw new ExportFileException(line, "text after the closing line");
            JsonDocument doc;
            try { doc = JsonDocument.Parse(text); }
            catch (JsonException ex) { throw new ExportFileException(line, $"not JSON: {ex.Message}"); }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("end", out var tally))
                {
                    end = ReadTally(tally, line);
                    continue;
                }
                if (root.ValueKind != JsonValueKind.Object
                    || !root.TryGetProperty("table", out var tableName) || tableName.ValueKind != JsonValueKind.String
                    || !root.TryGetProperty("row", out var row) || row.ValueKind != JsonValueKind.Object)
                    throw new ExportFileException(line, "expected {\"table\":...,\"row\":{...}}");
                var table = tableName.GetString()!;
                if (!targets.TryGetValue(table, out var columns))
                    throw new ExportFileException(line, $"unknown table '{table}'");
                var values = new List<(string Column, object? Value)>();
                foreach (var field in row.EnumerateObject())
                {
                    if (!columns.TryGetValue(field.Name, out var column))
                        throw new ExportFileException(line, $"table {table} has no column '{field.Name}'");
                    values.Add((field.Name, Convert(field.Value, column.Kind, line, table)));
                }
                await pending.AddAsync(table, values, line, ct);
                if (++counts[table] % 10_000 == 0) progress?.Invoke(line);
            }
        }
        await pending.FlushAsync(ct);
        if (end is null) throw new ExportFileException(line + 1, "the file ends before its closing line: truncated?");
        foreach (var (table, count) in counts)
        {
            var expected = end.GetValueOrDefault(table);
            if (expected != count) throw new ExportFileException(line, $"{table}: the closing line counts {expected} rows, the file holds {count}");
        }

        foreach (var (table, columns) in targets)
        {
            foreach (var column in columns.Values.Where(c => c.Identity))
                await database.Dialect.ResetIdentityAsync(connection, tx, table, column.Name, ct);
        }
        await tx.CommitAsync(ct);
        return counts;
    }

    static int ReadHeader(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("paperboy_export", out var version))
                throw new ExportFileException(1, "not a paperboy export (no \"paperboy_export\" header)");
            if (!version.TryGetInt32(out var v) || v != InstanceExport.FormatVersion)
                throw new ExportFileException(1, $"export format {version} is not supported (this paperboy reads {InstanceExport.FormatVersion})");
            return root.TryGetProperty("schema", out var schema) && schema.TryGetInt32(out var s)
                ? s : throw new ExportFileException(1, "the header has no schema version");
        }
        catch (JsonException ex) { throw new ExportFileException(1, $"not JSON: {ex.Message}"); }
    }

    static Dictionary<string, long> ReadTally(JsonElement tally, long line)
    {
        if (tally.ValueKind != JsonValueKind.Object) throw new ExportFileException(line, "the closing line must hold row counts");
        var counts = new Dictionary<string, long>();
        foreach (var p in tally.EnumerateObject())
        {
            if (!p.Value.TryGetInt64(out var n)) throw new ExportFileException(line, $"the closing line's count for {p.Name} is not a number");
            counts[p.Name] = n;
        }
        return counts;
    }

    /// <summary>
    /// A JSON value as the target engine stores it in a column of that kind (flags: 0/1 on SQLite, BOOLEAN on
    /// PostgreSQL; bytes, written as base64, as bytes again: stored as text they were refused by PostgreSQL's
    /// bytea and kept by SQLite as the base64 text itself, so a PDF came back as other bytes).
    /// </summary>
    static object? Convert(JsonElement value, ColumnKind kind, long line, string table) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String when kind == ColumnKind.Blob => value.TryGetBytesFromBase64(out var bytes)
            ? bytes : throw new ExportFileException(line, $"{table}: bytes must be written as base64"),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True or JsonValueKind.False => kind == ColumnKind.Boolean ? value.GetBoolean() : value.GetBoolean() ? 1L : 0L,
        JsonValueKind.Number => kind switch
        {
            ColumnKind.Boolean => value.TryGetInt64(out var flag) ? flag != 0 : throw new ExportFileException(line, $"{table}: a flag must be 0 or 1"),
            ColumnKind.Real => value.GetDouble(),
            _ => value.TryGetInt64(out var n) ? n : value.GetDouble(),
        },
        _ => throw new ExportFileException(line, $"{table}: a column holds an object or array"),
    };

    /// <summary>The restore only goes into a database with nothing in it: merging two instances would have to renumber members, comments and collections.</summary>
    static async Task RefuseUnlessEmptyAsync(DbConnection connection, DbTransaction tx, CancellationToken ct)
    {
        var used = new List<string>();
        foreach (var table in InstanceExport.Tables)
        {
            var any = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT 1) t", transaction: tx, cancellationToken: ct));
            if (any > 0) used.Add(table);
        }
        if (used.Count > 0)
            throw new TargetNotEmptyException($"the target database is not empty (rows in {string.Join(", ", used)}); restore an export into a fresh database (a new --data dir or an empty PostgreSQL database)");
    }

    /// <summary>Rows collected into bulk INSERTs (<see cref="BulkInsert"/>), one table and column list at a time.</summary>
    sealed class PendingRows(DbConnection connection, DbTransaction tx)
    {
        const int BatchRows = 500;
        readonly List<object?[]> _rows = [];
        string? _table;
        string[] _columns = [];
        long _lastLine;

        public async Task AddAsync(string table, List<(string Column, object? Value)> values, long line, CancellationToken ct)
        {
            if (table != _table || values.Count != _columns.Length || !values.Select(v => v.Column).SequenceEqual(_columns))
            {
                await FlushAsync(ct);
                _table = table;
                _columns = values.Select(v => v.Column).ToArray();
            }
            _rows.Add(values.Select(v => v.Value).ToArray());
            _lastLine = line;
            if (_rows.Count >= BatchRows) await FlushAsync(ct);
        }

        public async Task FlushAsync(CancellationToken ct)
        {
            if (_rows.Count == 0) return;
            try
            {
                await BulkInsert.InsertAsync(connection, tx, _table!, _columns, _rows, ct: ct);
            }
            catch (DbException ex)
            {
                throw new ExportFileException(_lastLine, $"{_table}: the database refused rows up to this line: {ex.Message}");
            }
            _rows.Clear();
        }
    }
}

/// <summary>An export restored over existing data would mix two instances: refused, nothing changed.</summary>
public sealed class TargetNotEmptyException(string message) : Exception(message);
