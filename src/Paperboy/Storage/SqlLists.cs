using Dapper;

namespace Paperboy.Storage;

/// <summary>
/// <c>IN (...)</c> lists for both engines. Dapper expands <c>IN @list</c> into parameters on SQLite
/// but sends the list to Npgsql as one array, which PostgreSQL's <c>IN</c> rejects (a syntax error
/// at <c>$1</c>); spelling the parameters out works on both. Code that has the dialect at hand uses
/// <see cref="ISqlDialect.In"/> (an array on PostgreSQL, one plan for any length) instead.
/// </summary>
public static class SqlLists
{
    /// <summary>Adds one parameter per value to <paramref name="args"/> and returns <c>(@name0, @name1, ...)</c>.</summary>
    public static string In<T>(DynamicParameters args, string name, IReadOnlyList<T> values)
    {
        // An empty list matches nothing, as IN () would if SQL allowed it.
        if (values.Count == 0) return "(NULL)";
        var names = new string[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            names[i] = $"@{name}{i}";
            args.Add(names[i][1..], values[i]);
        }
        return "(" + string.Join(", ", names) + ")";
    }
}
