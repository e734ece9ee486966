using Microsoft.AspNetCore.Components;

namespace Paperboy.Feed;

/// <summary>
/// Small stroke icons: symbols defined once per page (<see cref="Sprite"/>, in the layout) and
/// referenced by each use, so a 50-card page does not repeat their paths 250 times. No icon font
/// or image request, and SVG attributes are not styles, so the CSP allows them. These are
/// constants of our own, never source text, which is what makes MarkupString safe here.
/// </summary>
public static class Icons
{
    public static readonly MarkupString Up = Use("up");
    public static readonly MarkupString Comment = Use("comment");
    public static readonly MarkupString Code = Use("code");
    public static readonly MarkupString Globe = Use("globe");
    public static readonly MarkupString File = Use("file");
    public static readonly MarkupString Link = Use("link");
    public static readonly MarkupString Star = Use("star");
    public static readonly MarkupString Calendar = Use("calendar");
    public static readonly MarkupString Left = Use("left");
    public static readonly MarkupString Right = Use("right");
    public static readonly MarkupString Search = Use("search");

    /// <summary>The symbols, once per page, hidden; every icon above points into it.</summary>
    public static readonly MarkupString Sprite = new(
        "<svg class=\"sprite\" aria-hidden=\"true\" focusable=\"false\" width=\"0\" height=\"0\">" +
        Symbol("up", "<path d=\"M12 5 4.5 15h15z\" fill=\"currentColor\" stroke-width=\"1.5\" />") +
        Symbol("comment", "<path d=\"M21 12a8 8 0 0 1-11.6 7.1L4 20l1.1-4.6A8 8 0 1 1 21 12z\" />") +
        Symbol("code", "<path d=\"m8 7-5 5 5 5M16 7l5 5-5 5M13.5 4l-3 16\" />") +
        Symbol("globe", "<circle cx=\"12\" cy=\"12\" r=\"9\" /><path d=\"M3 12h18M12 3c2.5 2.7 3.8 5.7 3.8 9s-1.3 6.3-3.8 9c-2.5-2.7-3.8-5.7-3.8-9S9.5 5.7 12 3z\" />") +
        Symbol("file", "<path d=\"M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8z\" /><path d=\"M14 3v5h5M9 13h6M9 17h6\" />") +
        Symbol("link", "<path d=\"M14 4h6v6M20 4l-9 9M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5\" />") +
        Symbol("star", "<path d=\"m12 3.5 2.6 5.3 5.9.9-4.3 4.1 1 5.8-5.2-2.7-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z\" />") +
        Symbol("calendar", "<rect x=\"3.5\" y=\"5\" width=\"17\" height=\"15.5\" rx=\"2\" /><path d=\"M3.5 10h17M8 3v4M16 3v4\" />") +
        Symbol("left", "<path d=\"m15 5-7 7 7 7\" />") +
        Symbol("right", "<path d=\"m9 5 7 7-7 7\" />") +
        Symbol("search", "<circle cx=\"11\" cy=\"11\" r=\"7\" /><path d=\"m20 20-3.5-3.5\" />") +
        "</svg>");

    static MarkupString Use(string name) => new(
        $"<svg class=\"icon\" width=\"16\" height=\"16\" aria-hidden=\"true\" focusable=\"false\"><use href=\"#i-{name}\"></use></svg>");

    static string Symbol(string name, string paths) =>
        $"<symbol id=\"i-{name}\" viewBox=\"0 0 24 24\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\" stroke-linejoin=\"round\">{paths}</symbol>";
}
