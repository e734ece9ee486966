using System.Globalization;
using System.Text.Json;

namespace Paperboy.Ingestion;

/// <summary>Tolerant field access for source JSON: a wrong type is a clear error, a missing key is null.</summary>
public static class JsonFields
{
    public static string? String(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => string.IsNullOrWhiteSpace(v.GetString()) ? null : v.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            JsonValueKind.Number => v.GetRawText(),
            _ => throw new FormatException($"\"{name}\" must be a string, got {v.ValueKind}"),
        };
    }

    public static int? Int(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt32(out var i) => i,
            JsonValueKind.String when int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
            JsonValueKind.Null => null,
            _ => throw new FormatException($"\"{name}\" must be an integer"),
        };
    }

    public static DateOnly? Date(JsonElement e, string name)
    {
        var s = String(e, name);
        if (s is null) return null;
        DateOnly? day = DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
            : DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dt) ? DateOnly.FromDateTime(dt.UtcDateTime)
            : throw new FormatException($"\"{name}\" is not a date: \"{Truncate(s)}\"");
        return Papers.CatalogDates.Contains(day.Value) ? day : throw new FormatException(Papers.CatalogDates.OutOfRange(name, s));
    }

    public static DateTimeOffset? Timestamp(JsonElement e, string name)
    {
        var s = String(e, name);
        if (s is null) return null;
        if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dt))
            throw new FormatException($"\"{name}\" is not a timestamp: \"{Truncate(s)}\"");
        return Papers.CatalogDates.Contains(dt) ? dt.ToUniversalTime() : throw new FormatException(Papers.CatalogDates.OutOfRange(name, s));
    }

    /// <summary>A list of strings, or of objects with a <c>name</c> (Hugging Face authors).</summary>
    public static IReadOnlyList<string>? StringList(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String)
            return v.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (v.ValueKind != JsonValueKind.Array) throw new FormatException($"\"{name}\" must be a list");
        var list = new List<string>(v.GetArrayLength());
        foreach (var item in v.EnumerateArray())
        {
            var s = item.ValueKind switch
            {
                JsonValueKind.String => item.GetString(),
                JsonValueKind.Object => String(item, "name"),
                _ => null,
            };
            if (!string.IsNullOrWhiteSpace(s)) list.Add(s.Trim());
        }
        return list;
    }

    static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
