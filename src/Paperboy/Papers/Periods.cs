using System.Globalization;

namespace Paperboy.Papers;

public enum PeriodKind { Day, Week, Month }

/// <summary>A day, an ISO week or a month of the daily list: its first and last day, and its name in URLs.</summary>
public readonly record struct Period(PeriodKind Kind, DateOnly From, DateOnly To)
{
    public static Period Day(DateOnly day) => new(PeriodKind.Day, day, day);

    // Total for every DateOnly: the ISO week of 0001-01-01 starts before the calendar does and the week of
    // 9999-12-31 ends after it, so such a week is cut at the calendar's ends rather than overflowing.
    // (Dates from URLs and sources never get near them: CatalogDates bounds them at the edge.)
    public static Period Week(DateOnly anyDay)
    {
        var monday = AddDays(anyDay, -((int)anyDay.DayOfWeek + 6) % 7);
        return new(PeriodKind.Week, monday, AddDays(monday, 6));
    }

    public static Period Month(DateOnly anyDay)
    {
        var first = new DateOnly(anyDay.Year, anyDay.Month, 1);
        return new(PeriodKind.Month, first, new DateOnly(anyDay.Year, anyDay.Month, DateTime.DaysInMonth(anyDay.Year, anyDay.Month)));
    }

    /// <summary><paramref name="day"/> moved by <paramref name="days"/>, stopping at the first or last day of the calendar.</summary>
    public static DateOnly AddDays(DateOnly day, int days) =>
        DateOnly.FromDayNumber((int)Math.Clamp((long)day.DayNumber + days, DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber));

    public static Period Of(PeriodKind kind, DateOnly day) => kind switch
    {
        PeriodKind.Week => Week(day),
        PeriodKind.Month => Month(day),
        _ => Day(day),
    };

    /// <summary><c>2025-11-20</c>, <c>2025-W47</c> or <c>2025-11</c>.</summary>
    public string Key => Kind switch
    {
        PeriodKind.Week => $"{ISOWeek.GetYear(From.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(From.ToDateTime(TimeOnly.MinValue)):00}",
        PeriodKind.Month => From.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        _ => From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    public string Path => Kind switch
    {
        PeriodKind.Week => $"/papers/week/{Key}",
        PeriodKind.Month => $"/papers/month/{Key}",
        _ => $"/papers/date/{Key}",
    };

    public string Title => Kind switch
    {
        PeriodKind.Week => $"Week {ISOWeek.GetWeekOfYear(From.ToDateTime(TimeOnly.MinValue))}, {From.ToString("MMM d", CultureInfo.InvariantCulture)} – {To.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)}",
        PeriodKind.Month => From.ToString("MMMM yyyy", CultureInfo.InvariantCulture),
        _ => From.ToString("dddd, MMMM d, yyyy", CultureInfo.InvariantCulture),
    };

    public static bool TryParseDay(string? text, out Period period)
    {
        period = default;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) || !CatalogDates.Contains(d)) return false;
        period = Day(d);
        return true;
    }

    public static bool TryParseWeek(string? text, out Period period)
    {
        period = default;
        if (text is null || text.Length is < 7 or > 8) return false;
        var parts = text.Split("-W", StringSplitOptions.None);
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var week)
            || year < CatalogDates.First.Year || year > CatalogDates.Last.Year || week < 1 || week > ISOWeek.GetWeeksInYear(year))
            return false;
        period = Week(DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday)));
        return true;
    }

    public static bool TryParseMonth(string? text, out Period period)
    {
        period = default;
        if (!DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) || !CatalogDates.Contains(d)) return false;
        period = Month(d);
        return true;
    }
}
