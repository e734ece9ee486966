using System.Globalization;
using Dapper;

namespace Paperboy.Storage;

/// <summary>
/// "column IN (…)" for both engines. Dapper's own <c>IN @list</c> expansion does not happen on
/// PostgreSQL: Npgsql takes arrays natively, so Dapper passes the list as one array parameter and
/// <c>IN $1</c> is a syntax error there. Spelling the list out as @p0, @p1, … works everywhere.
/// Callers keep lists short (chunks of a few hundred) to stay under every engine's parameter limit.
/// </summary>
public static class SqlList
{
    public static string In(string column, IReadOnlyList<string> values, DynamicParameters args, string prefix = "in")
    {
        if (values.Count == 0) return "1 = 0";
        var names = new string[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            names[i] = "@" + prefix + i.ToString(CultureInfo.InvariantCulture);
            args.Add(names[i], values[i]);
        }
        return $"{column} IN ({string.Join(", ", names)})";
    }
}
