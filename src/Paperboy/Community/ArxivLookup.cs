using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Paperboy.Ingestion;
using Paperboy.Papers;

namespace Paperboy.Community;

/// <summary>Thrown when arXiv cannot be asked (network down, timeout, server error): the caller says so and stores nothing.</summary>
public sealed class ArxivUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Looks one paper up in arXiv's Atom API (<c>{ArxivApiUrl}?id_list=ID</c>) for a member's submission,
/// when the catalog does not know it yet. One request per submission, nothing cached.
/// </summary>
public sealed partial class ArxivLookup(HttpClient http, CommunityOptions options)
{
    static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    static readonly XNamespace Arxiv = "http://arxiv.org/schemas/atom";

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>The paper as arXiv describes it, or null when arXiv has no such id.</summary>
    public async Task<ImportedPaper?> FindAsync(string id, CancellationToken ct)
    {
        var url = $"{options.ArxivApiUrl}?id_list={Uri.EscapeDataString(id)}&max_results=1";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.ArxivTimeoutSeconds));
        XDocument feed;
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
                throw new ArxivUnavailableException($"arXiv answered {(int)response.StatusCode}.");
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            feed = await XDocument.LoadAsync(body, LoadOptions.None, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or XmlException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new ArxivUnavailableException(ex is XmlException ? "arXiv sent a response we could not read." : "arXiv could not be reached.", ex);
        }

        foreach (var entry in feed.Root?.Elements(Atom + "entry") ?? [])
        {
            // arXiv reports a malformed id as an entry whose id is an error URL.
            var entryId = ArxivId.Parse((string?)entry.Element(Atom + "id"));
            if (entryId is null || !string.Equals(entryId.Value.Id, id, StringComparison.Ordinal)) continue;
            var title = Clean((string?)entry.Element(Atom + "title"));
            if (string.IsNullOrEmpty(title)) continue;
            var categories = entry.Elements(Atom + "category").Select(c => (string?)c.Attribute("term")).OfType<string>().ToList();
            var primary = (string?)entry.Element(Arxiv + "primary_category")?.Attribute("term");
            if (primary is not null) categories = [primary, .. categories.Where(c => c != primary)];
            return new ImportedPaper
            {
                Id = id,
                Title = title,
                Abstract = Clean((string?)entry.Element(Atom + "summary")),
                Authors = entry.Elements(Atom + "author").Select(a => Clean((string?)a.Element(Atom + "name"))).OfType<string>().Where(n => n.Length > 0).ToList(),
                Published = Day((string?)entry.Element(Atom + "published")),
                Updated = Day((string?)entry.Element(Atom + "updated")),
                Categories = categories,
                AbsUrl = $"https://arxiv.org/abs/{id}",
                PdfUrl = $"https://arxiv.org/pdf/{id}",
                Comments = Clean((string?)entry.Element(Arxiv + "comment")),
                JournalRef = Clean((string?)entry.Element(Arxiv + "journal_ref")),
                Doi = Clean((string?)entry.Element(Arxiv + "doi")),
                Version = entryId.Value.Version,
            };
        }
        return null;
    }

    static string? Clean(string? text) => text is null ? null : Whitespace().Replace(text, " ").Trim();

    static DateOnly? Day(string? timestamp) =>
        DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? DateOnly.FromDateTime(at.UtcDateTime) : null;
}
