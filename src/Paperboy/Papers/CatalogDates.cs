using System.Globalization;

namespace Paperboy.Papers;

/// <summary>
/// The dates the catalog holds: 1900-01-01 to 2999-12-31. Every date that enters is checked against
/// this range at the edge (an imported or harvested record is rejected, a URL or API parameter gets
/// 404 or 400), so the period arithmetic behind pages and feeds (a week's Sunday, a month's last day,
/// trending's window) never reaches the ends of the calendar and cannot overflow. One stored
/// "9999-12-31" would otherwise break the front page for everyone.
/// </summary>
public static class CatalogDates
{
    public static readonly DateOnly First = new(1900, 1, 1);
    public static readonly DateOnly Last = new(2999, 12, 31);

    public static bool Contains(DateOnly day) => day >= First && day <= Last;

    public static bool Contains(DateTimeOffset at) => Contains(DateOnly.FromDateTime(at.UtcDateTime));

    /// <summary>The reason a source's date is refused, in the words of an import rejection.</summary>
    public static string OutOfRange(string field, string text) =>
        $"\"{field}\" is out of range: \"{(text.Length <= 40 ? text : text[..40] + "…")}\" (dates run from {Day(First)} to {Day(Last)})";

    static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
