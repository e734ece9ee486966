using System.Globalization;

namespace Paperboy.Feed;

public static partial class Text
{
    /// <summary>
    /// How long ago a stored timestamp was, as Hugging Face Papers says it: "just now", "5 min ago", "2 h ago",
    /// "yesterday", "3 days ago", then the date ("Nov 20", with the year when it is not this year). The same
    /// steps as app.js, so a page reads the same before and after its script runs. Unparsable: the text as stored.
    /// </summary>
    public static string Ago(string? timestamp, DateTimeOffset now)
    {
        if (!DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            return timestamp ?? "";
        var seconds = Math.Max(0, (now - at).TotalSeconds);
        if (seconds < 60) return "just now";
        if (seconds < 3600) return $"{(int)(seconds / 60)} min ago";
        if (seconds < 86400) return $"{(int)(seconds / 3600)} h ago";
        var days = (int)(seconds / 86400);
        if (days < 7) return days == 1 ? "yesterday" : $"{days} days ago";
        return at.Year == now.Year
            ? at.ToString("MMM d", CultureInfo.InvariantCulture)
            : at.ToString("MMM d, yyyy", CultureInfo.InvariantCulture);
    }
}
