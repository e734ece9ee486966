using System.Globalization;
using System.Text;
using Paperboy.Papers;

namespace Paperboy.Feed;

public enum FeedTab { None, Daily, Weekly, Monthly, Trending }

/// <summary>A link with its label, for previous/next and paging.</summary>
public sealed record NavLink(string Href, string Label);

/// <summary>Where the Daily/Weekly/Monthly tabs lead: the day, week and month around what is on screen.</summary>
public sealed record TabLinks(string Daily, string Weekly, string Monthly)
{
    /// <summary>Pages without a period (a paper, an author) point at the latest of each.</summary>
    public static readonly TabLinks Latest = new("/", "/papers/week", "/papers/month");

    public static TabLinks Around(DateOnly day) =>
        new(Period.Day(day).Path, Period.Week(day).Path, Period.Month(day).Path);
}

/// <summary>Everything a list page (a day, week, month or trending) shows, computed by the handler.</summary>
public sealed class FeedView
{
    /// <summary>The app's now when the page was built: what the cards' "2 h ago" count from.</summary>
    public DateTimeOffset Now { get; init; }
    public required FeedTab Tab { get; init; }
    public required string Kicker { get; init; }
    public required string Heading { get; init; }
    public required string Title { get; init; }
    public required IReadOnlyList<DailyItem> Items { get; init; }
    public required TabLinks Tabs { get; init; }
    /// <summary>Rank of the first item minus one (paging continues the numbering).</summary>
    public int Offset { get; init; }
    public int Total { get; init; }
    public NavLink? Previous { get; init; }
    public NavLink? Next { get; init; }
    public NavLink? PreviousPage { get; init; }
    public NavLink? NextPage { get; init; }
    public int Page { get; init; } = 1;
    public int PageCount { get; init; } = 1;
    /// <summary>Why a period may be empty, when we can tell (weekends have no daily list).</summary>
    public string? EmptyHint { get; init; }
    /// <summary>True when the catalog has no daily papers at all: show how to import instead.</summary>
    public bool EmptySite { get; init; }
    /// <summary>This list's RSS/Atom/JSON feeds (Syndication.FeedLinks).</summary>
    public IReadOnlyList<(string Type, string Title, string Href)> Feeds { get; init; } = [];
}
