using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Paperboy.Harvest;
using Paperboy.Storage;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Harvest;

/// <summary>Recorded responses of the real sources, and harvesters pointed at a stub with test-sized timings.</summary>
public static partial class HarvestFixtures
{
    /// <summary>Fast but real: the same code paths as production, with intervals and waits in milliseconds.</summary>
    public static HarvestSettings Settings(Uri stub) => new()
    {
        HfBaseUrl = stub,
        ArxivOaiUrl = new Uri(stub, "oai"),
        ArxivApiUrl = new Uri(stub, "api/query"),
        HfInterval = TimeSpan.FromMilliseconds(10),
        ArxivInterval = TimeSpan.FromMilliseconds(50),
        Timeout = TimeSpan.FromSeconds(2),
        Attempts = 3,
        Backoff = TimeSpan.FromMilliseconds(50),
        Contact = "harvest-tests@example.org",
        PublicUrl = "https://papers.example.org",
    };

    /// <summary>The same settings as environment variables, for the real binary.</summary>
    public static Dictionary<string, string> Environment(Uri stub) => new()
    {
        ["PAPERBOY_HARVEST_HF_INTERVAL"] = "0.01",
        ["PAPERBOY_HARVEST_ARXIV_INTERVAL"] = "0.05",
        ["PAPERBOY_HARVEST_TIMEOUT"] = "2",
        ["PAPERBOY_HARVEST_ATTEMPTS"] = "3",
        ["PAPERBOY_HARVEST_BACKOFF"] = "0.05",
        ["PAPERBOY_CONTACT"] = "harvest-tests@example.org",
        ["PAPERBOY_HARVEST_ARXIV_URL"] = new Uri(stub, "oai").ToString(),
        // The API too: the one arXiv client keeps arXiv's 3 s between requests while either address is arxiv.org's,
        // which made every page of these runs wait 3 s (and a lookup would have gone to the real arXiv).
        ["PAPERBOY_HARVEST_ARXIV_API_URL"] = new Uri(stub, "api/query").ToString(),
    };

    public static Harvesters Harvesters(Database database, HarvestSettings settings) =>
        new(database, settings, NullLoggerFactory.Instance);

    public static string HfDay(string date) => SharedData.Path("hf-daily-papers", date + ".json");

    /// <summary>Serves <c>/api/daily_papers?date=</c> from the recorded files; a day with no file is an empty list, as on weekends.</summary>
    public static async Task ServeHfDayAsync(HttpContext context, Func<string, byte[], byte[]>? transform = null)
    {
        var date = context.Request.Query["date"].ToString();
        if (context.Request.Path != "/api/daily_papers" || !Regex.IsMatch(date, @"^\d{4}-\d{2}-\d{2}$"))
        {
            context.Response.StatusCode = 404;
            return;
        }
        var path = HfDay(date);
        var body = File.Exists(path) ? await File.ReadAllBytesAsync(path) : "[]"u8.ToArray();
        if (transform is not null) body = transform(date, body);
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(body);
    }

    /// <summary>Every record of the real OAI-PMH responses (ListRecords and GetRecord), once each, in file order.</summary>
    public static IReadOnlyList<(string Id, string Xml)> OaiRecords()
    {
        var files = new[] { "arxiv-physics-hep-th.xml", "arxiv-physics-hep-ex.xml", "arxiv-single.xml" }
            .Select(f => SharedData.Path("arxiv", "oai-pmh", f))
            .Concat(Enumerable.Range(0, 11).Select(i => SharedData.Path("arxiv", "oai-pmh", $"sample_arxiv_record{i}.xml")));
        var records = new List<(string, string)>();
        foreach (var file in files)
        {
            foreach (Match m in RecordElement().Matches(File.ReadAllText(file)))
            {
                var id = IdentifierElement().Match(m.Value).Groups[1].Value.Replace("oai:arXiv.org:", "", StringComparison.Ordinal);
                if (records.All(r => r.Item1 != id)) records.Add((id, m.Value));
            }
        }
        return records;
    }

    /// <summary>
    /// A ListRecords response around <paramref name="records"/> in arXiv's envelope, with a resumptionToken
    /// (<c>null</c>: an empty one, which marks the last page).
    /// </summary>
    public static string OaiPage(IEnumerable<string> records, string? token, int cursor, int total)
    {
        var xml = new StringBuilder("""
            <?xml version="1.0" encoding="UTF-8"?>
            <OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">
            <responseDate>2026-11-23T06:00:00Z</responseDate>
            <request verb="ListRecords" metadataPrefix="arXiv" set="cs">http://oaipmh.arxiv.org/oai</request>
            <ListRecords>

            """);
        foreach (var r in records) xml.Append(r).Append('\n');
        xml.Append(token is null
            ? $"<resumptionToken cursor=\"{cursor}\" completeListSize=\"{total}\"/>\n"
            : $"<resumptionToken cursor=\"{cursor}\" completeListSize=\"{total}\">{token}</resumptionToken>\n");
        xml.Append("</ListRecords>\n</OAI-PMH>\n");
        return xml.ToString();
    }

    /// <summary>The real records split into pages of <paramref name="size"/>, chained by tokens "page-2", "page-3"...</summary>
    public static List<string> OaiPages(int size, IReadOnlyList<(string Id, string Xml)>? records = null)
    {
        records ??= OaiRecords();
        var chunks = records.Chunk(size).ToList();
        return chunks.Select((chunk, i) => OaiPage(chunk.Select(r => r.Xml), i + 1 < chunks.Count ? $"page-{i + 2}" : null, i * size, records.Count)).ToList();
    }

    /// <summary>Which page a ListRecords request asks for: 1 without a token, N for "page-N".</summary>
    public static int PageOf(HttpRequest request) =>
        request.Query["resumptionToken"].ToString() is { Length: > 0 } token ? int.Parse(token["page-".Length..], System.Globalization.CultureInfo.InvariantCulture) : 1;

    public static int PageOf(string pathAndQuery) =>
        pathAndQuery.Contains("resumptionToken=page-", StringComparison.Ordinal)
            ? int.Parse(Regex.Match(pathAndQuery, @"resumptionToken=page-(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : 1;

    public static async Task WriteXmlAsync(HttpContext context, string xml)
    {
        context.Response.ContentType = "text/xml; charset=utf-8";
        await context.Response.WriteAsync(xml);
    }

    [GeneratedRegex(@"<record>.*?</record>", RegexOptions.Singleline)]
    private static partial Regex RecordElement();

    [GeneratedRegex(@"<identifier>([^<]+)</identifier>")]
    private static partial Regex IdentifierElement();
}

/// <summary>Runs the real binary with extra environment variables.</summary>
public static class HarvestCli
{
    public static Task<CliResult> RunAsync(string dataDir, IReadOnlyDictionary<string, string> env, params string[] args) =>
        PaperboyCli.RunAsync(dataDir, env.ToDictionary(e => e.Key, e => (string?)e.Value), args);
}
