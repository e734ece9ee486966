namespace Paperboy.Syndication;

public static class PaperLinks
{
    /// <summary>
    /// The absolute address of a paper's page. Each id segment is escaped (old-style arXiv ids keep
    /// their slash), so an imported id can never change the path, query or scheme of the link.
    /// </summary>
    public static Uri For(Uri site, string id) =>
        new(site, "papers/" + string.Join('/', id.Split('/').Select(Uri.EscapeDataString)));
}
