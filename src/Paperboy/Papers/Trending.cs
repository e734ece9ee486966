namespace Paperboy.Papers;

/// <summary>
/// The trending score, after Hacker News' ranking: upvotes divided by age raised to a gravity.
///
///     score = upvotes / (age_hours + 2) ^ 1.5
///
/// Why this shape: a paper's votes arrive mostly in its first day on the list, so raw upvotes
/// favour whatever has been up longest; dividing by a power of age lets a paper with 20 votes
/// in 6 hours beat one with 60 votes over 5 days ((6+2)^1.5 ≈ 23 vs (120+2)^1.5 ≈ 1348).
/// The +2 hours keeps brand-new papers from dividing by ~0, and a gravity of 1.5 (below HN's
/// 1.8) suits a list that changes once a day rather than every minute.
///
/// Age is measured from when the paper was featured to the reference time: now, or the end of
/// the newest featured day when the catalog stops earlier (an archive or a paused harvester),
/// so trending stays meaningful instead of collapsing to "most upvoted ever".
/// </summary>
public static class Trending
{
    public const double Gravity = 1.5;
    public const double AgeOffsetHours = 2;

    /// <summary>Only papers featured within this many days of the reference time are candidates.</summary>
    public const int WindowDays = 7;

    public static double Score(long upvotes, double ageHours) =>
        upvotes / Math.Pow(Math.Max(ageHours, 0) + AgeOffsetHours, Gravity);

    public static DateTimeOffset ReferenceTime(DateOnly? latestDay, DateTimeOffset now)
    {
        if (latestDay is null) return now;
        // The end of the calendar's last day has no next midnight: stop at its last tick instead of overflowing.
        var endOfLatest = latestDay.Value == DateOnly.MaxValue ? DateTimeOffset.MaxValue
            : new DateTimeOffset(latestDay.Value.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return endOfLatest < now ? endOfLatest : now;
    }

    public static double AgeHours(DailyItem item, DateTimeOffset reference)
    {
        var featured = item.FeaturedAt is { } at && DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : new DateTimeOffset(DateOnly.ParseExact(item.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
                .ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return (reference - featured).TotalHours;
    }
}
