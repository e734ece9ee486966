using System.Globalization;

namespace Paperboy.Storage;

/// <summary>
/// Timestamps and dates as the database stores them: ISO-8601 text that sorts correctly. Only formats and
/// parses; the time itself comes from the caller, who reads it from the app's <see cref="TimeProvider"/>.
/// </summary>
public static class StoredTime
{
    public static string Format(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static string FormatDay(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly? ParseDay(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
