using System.Data.Common;
using System.Text.Json;
using Dapper;
using Paperboy.Ingestion;
using Paperboy.Papers;
using Paperboy.Storage;

namespace Paperboy.Harvest;

/// <summary>
/// Pulls arXiv metadata: OAI-PMH <c>ListRecords</c> for a set (following resumptionToken), and the
/// Atom API for single ids (submissions). Every page is one transaction together with the token of the
/// next page, so a crash resumes at the first page not committed. Deleted OAI records and "This paper
/// has been withdrawn" comments mark papers withdrawn; a newer version updates version and dates.
/// </summary>
public sealed class ArxivHarvester(HarvestStore store, PoliteHttp http, HarvestSettings settings, ILogger logger, TimeProvider time)
{
    public static string SourceFor(string set) => "arxiv:" + set;
    public const string ApiSource = "arxiv:api";

    /// <summary>An OAI run in progress, saved after each page.</summary>
    sealed record OaiRun(string Token, string From, string? Until, string Started, int Page);

    public Task<HarvestReport> RunAsync(string set, DateOnly? from, DateOnly? until, Action<int>? progress = null,
        DateTimeOffset? unlessDoneSince = null, CancellationToken ct = default) =>
        HarvestRun.UnderLeaseAsync(store, SourceFor(set), logger,
            (owner, report, token) => ListRecordsAsync(owner, report, set, from, until, progress, token),
            new HarvestReport(SourceFor(set)) { Unit = "pages" }, unlessDoneSince, ct);

    async Task ListRecordsAsync(string owner, HarvestReport report, string set, DateOnly? from, DateOnly? until, Action<int>? progress, CancellationToken ct)
    {
        var source = SourceFor(set);
        var state = await store.GetAsync(source, ct);
        var todayDate = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var today = StoredTime.FormatDay(todayDate);
        var saved = ReadRun(state?.Resume);
        var runFrom = from is { } f ? StoredTime.FormatDay(f) : state?.Cursor ?? StoredTime.FormatDay(todayDate.AddDays(-7));
        var runUntil = until is { } u ? StoredTime.FormatDay(u) : null;

        // Resume an interrupted run when asked for the same thing (or nothing in particular).
        OaiRun? run = saved is not null && (from is null || saved.From == runFrom) && (until is null || saved.Until == runUntil) ? saved : null;
        if (run is not null) logger.LogInformation("Resuming arXiv {Set} from page {Page} of the run started {Started}", set, run.Page, run.Started);
        var started = run?.Started ?? today;
        runFrom = run?.From ?? runFrom;
        runUntil = run is null ? runUntil : run.Until;
        var page = run?.Page ?? 1;
        var token = run?.Token;
        var restarted = false;

        while (true)
        {
            progress?.Invoke(page);
            var url = token is null
                ? new Uri($"{settings.ArxivOaiUrl}?verb=ListRecords&metadataPrefix=arXiv&set={Uri.EscapeDataString(set)}&from={runFrom}"
                    + (runUntil is null ? "" : $"&until={runUntil}"))
                : new Uri($"{settings.ArxivOaiUrl}?verb=ListRecords&resumptionToken={Uri.EscapeDataString(token)}");
            byte[] body;
            try
            {
                body = await http.GetAsync(url, OaiPage.Validate, ct);
            }
            catch (FetchException ex) when (ex.Kind == FetchFailure.Malformed)
            {
                // Without this page's token the list cannot go on: stop, keep the checkpoint on this page,
                // and the next run asks for it again.
                throw new FetchException(ex.Kind, $"page {page}: {ex.Message}; the next run resumes at this page", ex.Status, ex);
            }
            var envelope = OaiPage.Parse(body);

            if (envelope.ErrorCode == "badResumptionToken" && !restarted)
            {
                // Tokens expire (arXiv keeps them for hours, not days): start the same run over; merges are idempotent.
                logger.LogWarning("arXiv refused the saved resumptionToken ({Message}); restarting the run from {From}", envelope.ErrorMessage, runFrom);
                (token, page, restarted) = (null, 1, true);
                continue;
            }
            if (envelope.ErrorCode is { } code && code != "noRecordsMatch")
                throw new FetchException(FetchFailure.Status, $"GET {url}: OAI-PMH error {code}: {envelope.ErrorMessage}");

            var papers = new List<ImportedPaper>();
            if (envelope.ErrorCode is null)
            {
                foreach (var record in Importer.Readers["arxiv-oai"]().Read(new MemoryStream(body, writable: false), url.ToString()))
                {
                    if (record.Paper is { } paper) papers.Add(MarkWithdrawn(paper));
                    // A deleted record has a header and no metadata: it is a withdrawal, not a broken record.
                    else if (!(record.Position >= 1 && record.Position <= envelope.Headers.Count && envelope.Headers[(int)record.Position - 1].Deleted))
                        report.Rejections.Add($"{url}:{record.Position}: {record.Error}");
                }
            }

            await using (var connection = await store.Database.OpenAsync(ct))
            await using (var tx = await connection.BeginTransactionAsync(ct))
            {
                foreach (var paper in papers)
                    report.Count(await CatalogWriter.UpsertAsync(connection, tx, paper, "harvest", time.GetUtcNow()));
                foreach (var deleted in envelope.Headers.Where(h => h.Deleted))
                {
                    if (await WithdrawAsync(connection, tx, deleted.Identifier)) report.Updated++;
                }
                var next = envelope.ResumptionToken is { } t ? JsonSerializer.Serialize(new OaiRun(t, runFrom, runUntil, started, page + 1)) : null;
                // When the list is complete, the next run starts from the day this one started: OAI dates
                // are inclusive days, so records changed today are fetched again rather than missed.
                await store.SaveRunAsync(connection, tx, source, next, next is null ? started : null, owner);
                await tx.CommitAsync(ct);
            }
            report.Units++;
            if (envelope.ResumptionToken is null) return;
            token = envelope.ResumptionToken;
            page++;
        }
    }

    /// <summary>
    /// Fetches papers by id through the Atom API (<c>id_list</c>), as a submission does. Ids arXiv does not
    /// know are reported as rejected. Returns the papers stored, in the order asked.
    /// </summary>
    public async Task<(HarvestReport Report, IReadOnlyList<string> Found)> FetchByIdsAsync(IReadOnlyList<string> ids, CancellationToken ct = default)
    {
        var report = new HarvestReport(ApiSource) { Unit = "requests" };
        var found = new List<string>();
        await store.Database.MigrateAsync(ct);
        // The API answers up to 100 ids per request comfortably; a submission asks for one.
        foreach (var chunk in ids.Select(ArxivId.Normalize).Distinct(StringComparer.Ordinal).Chunk(100))
        {
            var url = IdListUrl(chunk);
            byte[] body;
            try
            {
                body = await http.GetAsync(url, ValidateAtom, ct);
            }
            catch (FetchException ex) when (ex.Status == 400)
            {
                foreach (var id in chunk) report.Rejections.Add($"{url}:1: arXiv rejected the id list: {id} may not be an arXiv id ({ex.Message})");
                continue;
            }
            catch (FetchException ex) when (ex.Kind == FetchFailure.Malformed)
            {
                foreach (var id in chunk) report.Rejections.Add($"{url}:1: {id}: {ex.Message}");
                continue;
            }
            catch (FetchException ex)
            {
                // Unreachable or failing: the caller (a submission) learns it from the report, not from an exception.
                report.Fail(ex);
                logger.LogWarning("arXiv API lookup failed: {Error}", ex.Message);
                break;
            }
            var papers = ReadAtom(body, url, report.Rejections.Add);
            await using (var connection = await store.Database.OpenAsync(ct))
            await using (var tx = await connection.BeginTransactionAsync(ct))
            {
                foreach (var paper in papers)
                    report.Count(await CatalogWriter.UpsertAsync(connection, tx, paper, "harvest", time.GetUtcNow()));
                await tx.CommitAsync(ct);
            }
            report.Units++;
            var returned = papers.Select(p => ArxivId.Normalize(p.Id)).ToHashSet(StringComparer.Ordinal);
            foreach (var id in chunk)
            {
                if (returned.Contains(id)) found.Add(id);
                else report.Rejections.Add($"{url}:1: {id}: not found on arXiv");
            }
        }
        return (report, found);
    }

    /// <summary>
    /// One paper as arXiv's Atom API describes it, or null when arXiv does not know the id; nothing is
    /// stored (a submission checks its rules first). Asked through the same polite client as the
    /// harvest, so a submission waits its turn in arXiv's budget of one request every 3 s.
    /// </summary>
    /// <exception cref="FetchException">arXiv could not be asked, or its answer could not be read.</exception>
    public async Task<ImportedPaper?> FindAsync(string id, CancellationToken ct = default)
    {
        id = ArxivId.Normalize(id);
        var url = IdListUrl([id]);
        var body = await http.GetAsync(url, ValidateAtom, ct);
        return ReadAtom(body, url, _ => { }).FirstOrDefault(p => ArxivId.Normalize(p.Id) == id);
    }

    Uri IdListUrl(string[] ids) => new($"{settings.ArxivApiUrl}?id_list={string.Join(',', ids.Select(IdInQuery))}&max_results={ids.Length}");

    /// <summary>The papers of an Atom answer; entries that are errors (arXiv's answer to an unknown id) go to <paramref name="reject"/>.</summary>
    static List<ImportedPaper> ReadAtom(byte[] body, Uri url, Action<string> reject)
    {
        var papers = new List<ImportedPaper>();
        foreach (var record in Importer.Readers["arxiv-atom"]().Read(new MemoryStream(body, writable: false), url.ToString()))
        {
            if (record.Paper is { } paper) papers.Add(MarkWithdrawn(paper));
            else reject($"{url}:{record.Position}: {record.Error}");
        }
        return papers;
    }

    /// <summary>Old-style ids keep their slash, as arXiv's own clients send them (astro-ph/0601001).</summary>
    static string IdInQuery(string id) => Uri.EscapeDataString(id).Replace("%2F", "/", StringComparison.Ordinal);

    /// <summary>The saved run, or null (and a fresh start) if there is none or it cannot be read.</summary>
    OaiRun? ReadRun(string? json)
    {
        if (json is null) return null;
        try { return JsonSerializer.Deserialize<OaiRun>(json); }
        catch (JsonException ex)
        {
            logger.LogWarning("Ignoring an unreadable saved arXiv run ({Error}); starting from the last completed run", ex.Message);
            return null;
        }
    }

    /// <summary>arXiv withdraws a paper by publishing a last version whose comment says so.</summary>
    static ImportedPaper MarkWithdrawn(ImportedPaper paper) =>
        paper.Withdrawn is null && paper.Comments?.TrimStart().StartsWith("This paper has been withdrawn", StringComparison.OrdinalIgnoreCase) == true
            ? paper with { Withdrawn = true }
            : paper;

    async Task<bool> WithdrawAsync(DbConnection connection, DbTransaction tx, string identifier)
    {
        // oai:arXiv.org:2405.21060 → 2405.21060
        var raw = identifier.StartsWith("oai:arXiv.org:", StringComparison.OrdinalIgnoreCase) ? identifier["oai:arXiv.org:".Length..] : identifier;
        var id = ArxivId.Normalize(raw);
        return await connection.ExecuteAsync(
            "UPDATE papers SET withdrawn = TRUE, updated_at = @now WHERE id = @id AND withdrawn = FALSE",
            new { id, now = StoredTime.Format(time.GetUtcNow()) }, tx) > 0;
    }

    static string? ValidateAtom(byte[] body)
    {
        try
        {
            var settings = new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = System.Xml.XmlReader.Create(new MemoryStream(body, writable: false), settings);
            while (reader.Read()) { }
            return null;
        }
        catch (System.Xml.XmlException ex)
        {
            return $"truncated or invalid XML ({body.Length:N0} bytes): {ex.Message}";
        }
    }
}
