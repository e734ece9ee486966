using System.Globalization;

namespace Paperboy.Papers;

public enum PeriodKind { Day, Week, Month }

/// <summary>A day, an ISO week or a month of the daily list: its first and last day, and its name in URLs.</summary>
public readonly record struct Period(PeriodKind Kind, DateOnly From, DateOnly To)
{
    public static Period Day(DateOnly day) => new(PeriodKind.Day, day, day);

    public static Period Week(DateOnly anyDay)
    {
        var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(ISOWeek.GetYear(anyDay.ToDateTime(TimeOnly.MinValue)),
            ISOWeek.GetWeekOfYear(anyDay.ToDateTime(TimeOnly.MinValue)), DayOfWeek.Monday));
        return new(PeriodKind.Week, monday, monday.AddDays(6));
    }

    public static Period Month(DateOnly anyDay)
    {
        var first = new DateOnly(anyDay.Year, anyDay.Month, 1);
        return new(PeriodKind.Month, first, first.AddMonths(1).AddDays(-1));
    }

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
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return false;
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
            || year is < 1900 or > 9999 || week < 1 || week > ISOWeek.GetWeeksInYear(year))
            return false;
        period = Week(DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday)));
        return true;
    }

    public static bool TryParseMonth(string? text, out Period period)
    {
        period = default;
        if (!DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return false;
        period = Month(d);
        return true;
    }
}
