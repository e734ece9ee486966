using System.Text.Json;
using Paperboy.Ingestion;
using Paperboy.Storage;

namespace Paperboy.Harvest;

/// <summary>
/// Pulls Hugging Face daily papers one day at a time (<c>/api/daily_papers?date=</c>), parsed by the
/// <c>hf-daily</c> importer reader and merged by <see cref="CatalogWriter"/>. Each day is one
/// transaction together with the day checkpoint, so a crash resumes at the first day not committed.
/// </summary>
public sealed class HfHarvester(HarvestStore store, PoliteHttp http, HarvestSettings settings, ILogger logger, TimeProvider time)
{
    public const string Source = "hf";

    /// <summary>Upvotes and comments keep coming for a few days after a paper is featured: those days are fetched again.</summary>
    const int RefreshDays = 2;

    /// <summary>Items per page of <c>/api/daily_papers</c> when no limit is given (Hugging Face's default).</summary>
    const int HfPageSize = 50;
    const int MaxPagesPerDay = 10;

    public Task<HarvestReport> RunAsync(DateOnly? from, DateOnly? to, Action<DateOnly>? progress = null,
        DateTimeOffset? unlessDoneSince = null, CancellationToken ct = default) =>
        HarvestRun.UnderLeaseAsync(store, Source, logger, (owner, report, token) => HarvestAsync(owner, report, from, to, progress, token),
            new HarvestReport(Source) { Unit = "days" }, unlessDoneSince, ct);

    /// <summary>By default: from the day after the last one harvested (but at least the last few days again), or a week back; to today (UTC).</summary>
    public static DateOnly DefaultFrom(string? cursor, DateOnly today)
    {
        var refresh = today.AddDays(-RefreshDays);
        return StoredTime.ParseDay(cursor) is { } last
            ? (last.AddDays(1) < refresh ? last.AddDays(1) : refresh)
            : today.AddDays(-7);
    }

    async Task HarvestAsync(string owner, HarvestReport report, DateOnly? from, DateOnly? to, Action<DateOnly>? progress, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var state = await store.GetAsync(Source, ct);
        var first = from ?? DefaultFrom(state?.Cursor, today);
        var last = to ?? today;

        var missing = new List<string>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            progress?.Invoke(day);
            var papers = new List<ImportedPaper>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            string? skipped = null;
            var notFound = false;
            // Hugging Face answers 50 items a page: a full page may have a next one (p=1, 2...).
            // A page that brings no new paper ends the day too, should a server ignore p.
            for (var page = 0; page < MaxPagesPerDay; page++)
            {
                var url = new Uri($"{settings.HfBaseUrl.ToString().TrimEnd('/')}/api/daily_papers?date={StoredTime.FormatDay(day)}" + (page == 0 ? "" : $"&p={page}"));
                byte[] body;
                try
                {
                    body = await http.GetAsync(url, ValidateBody, ct);
                }
                catch (FetchException ex) when (ex.Status == 404)
                {
                    // Hugging Face answers [] for a day without papers; a 404 (some mirrors and stubs) says the
                    // same, but we cannot tell it from a wrong base URL: no rejection, and no checkpoint either.
                    // After the first page, a 404 only means there is no further page.
                    notFound = page == 0;
                    break;
                }
                catch (FetchException ex) when (ex.Kind == FetchFailure.Malformed || ex.Status is >= 400 and < 500 and not 408 and not 429)
                {
                    // This day is bad, not the source: report it, keep the other days. The checkpoint
                    // stays before it, so the next run asks for it again.
                    skipped = $"{url}:1: {ex.Message}";
                    break;
                }

                var items = 0;
                var fresh = 0;
                foreach (var record in Importer.Readers["hf-daily"]().Read(new MemoryStream(body, writable: false), url.ToString()))
                {
                    items++;
                    if (record.Paper is not { } paper) report.Rejections.Add($"{url}:{record.Position}: {record.Error}");
                    else if (ids.Add(paper.Id)) { papers.Add(paper); fresh++; }
                }
                if (items < HfPageSize || fresh == 0) break;
            }
            if (notFound)
            {
                missing.Add(StoredTime.FormatDay(day));
                continue;
            }
            if (skipped is not null)
            {
                report.Rejections.Add(skipped);
                logger.LogWarning("Hugging Face day {Day} skipped: {Error}", StoredTime.FormatDay(day), skipped);
                continue;
            }

            await using var connection = await store.Database.OpenAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            foreach (var paper in papers)
                report.Count(await CatalogWriter.UpsertAsync(connection, tx, paper, "harvest", time.GetUtcNow()));
            await store.SaveDayAsync(connection, tx, Source, day, owner);
            await tx.CommitAsync(ct);
            report.Units++;
        }
        if (missing.Count > 0 && report.Units == 0 && report.Rejected == 0)
            throw new FetchException(FetchFailure.Status, $"every day asked ({missing[0]}..{missing[^1]}) answered HTTP 404: is the base URL {settings.HfBaseUrl} right?", 404);
        if (missing.Count > 0)
            logger.LogInformation("Hugging Face had no page for {Days}: taken as days without papers", string.Join(", ", missing));
    }

    /// <summary>A day is a JSON array; anything else (a cut-off body, an HTML error page) is retried, then skipped.</summary>
    static string? ValidateBody(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Array ? null : $"expected a JSON array, got {doc.RootElement.ValueKind}";
        }
        catch (JsonException ex)
        {
            return $"truncated or invalid JSON ({body.Length:N0} bytes): {ex.Message.Split(" Path:")[0].TrimEnd('.')}";
        }
    }
}
