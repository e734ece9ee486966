using System.Diagnostics;
using Paperboy.Storage;

namespace Paperboy.Ingestion;

public sealed record ImportSummary(int New, int Updated, int Rejected, TimeSpan Elapsed)
{
    public int ExitCode => Rejected > 0 ? 3 : 0;
    public override string ToString() =>
        $"imported {New} new, {Updated} updated, {Rejected} rejected in {Elapsed.TotalSeconds:0.0} s";
}

/// <summary>
/// Streams files into the catalog in batches, one transaction a batch: a killed import leaves
/// whole batches behind, and since writes are idempotent merges the next run completes it.
/// </summary>
/// <remarks>Papers are stamped with <paramref name="time"/>'s now: the machine's clock for a command, the app's for a server.</remarks>
public sealed class Importer(Database database, TimeProvider? time = null)
{
    const int BatchSize = 1000;

    /// <summary>Every format of SPEC §4, by its <c>--format</c> name.</summary>
    public static readonly IReadOnlyDictionary<string, Func<IPaperReader>> Readers = new Dictionary<string, Func<IPaperReader>>
    {
        ["hf-daily"] = () => new HfDailyReader(),
        ["arxiv-kaggle"] = () => new ArxivKaggleReader(),
        ["arxiv-atom"] = () => new ArxivAtomReader(),
        ["arxiv-oai"] = () => new ArxivOaiReader(),
        ["paperboy"] = () => new PaperboyJsonlReader(),
    };

    static readonly HashSet<string> EmptyIsValid = ["arxiv-atom", "arxiv-oai"];

    /// <summary>Called after every committed batch with (path, records read so far in that file).</summary>
    public Action<string, long>? Progress { get; init; }

    /// <summary>
    /// Imports every path. Paths must have been checked readable by the caller (exit 2 otherwise);
    /// bad records are written to <paramref name="rejections"/> as <c>PATH:LINE: reason</c>.
    /// </summary>
    public async Task<ImportSummary> ImportAsync(IReadOnlyList<string> paths, string? format, TextWriter rejections, string source = "import", CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        int added = 0, updated = 0, rejected = 0;
        await database.MigrateAsync(ct);
        foreach (var path in paths)
        {
            var name = format;
            if (name is null)
            {
                var (detected, error) = FormatDetector.Detect(path);
                if (detected is null)
                {
                    rejections.WriteLine($"{path}:1: {error}");
                    rejected++;
                    continue;
                }
                name = detected;
            }
            if (name == FormatDetector.ExportFormat)
            {
                rejections.WriteLine($"{path}:1: a whole-instance export: restore it alone (`paperboy import {path}`) into an empty database");
                rejected++;
                continue;
            }
            var reader = Readers[name]();
            var result = await ImportFileAsync(path, reader, rejections, source, ct);
            added += result.New;
            updated += result.Updated;
            rejected += result.Rejected;
        }
        return new ImportSummary(added, updated, rejected, clock.Elapsed);
    }

    async Task<ImportSummary> ImportFileAsync(string path, IPaperReader reader, TextWriter rejections, string source, CancellationToken ct)
    {
        int added = 0, updated = 0, rejected = 0;
        long seen = 0, good = 0;
        await using var connection = await database.OpenAsync(ct);
        await using var stream = FormatDetector.Open(path);
        var batch = new List<ImportedPaper>(BatchSize);

        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            await using var tx = await connection.BeginTransactionAsync(ct);
            foreach (var outcome in await CatalogWriter.UpsertBatchAsync(connection, tx, database.Dialect, batch, source, (time ?? TimeProvider.System).GetUtcNow()))
            {
                switch (outcome)
                {
                    case WriteOutcome.New: added++; break;
                    case WriteOutcome.Updated: updated++; break;
                }
            }
            await tx.CommitAsync(ct);
            batch.Clear();
            Progress?.Invoke(path, seen);
        }

        foreach (var record in reader.Read(stream, path))
        {
            ct.ThrowIfCancellationRequested();
            seen++;
            if (record.Paper is { } paper)
            {
                if (Private.PrivatePaperStore.IsLocalId(paper.Id))
                {
                    // local-… ids belong to members' private papers: an imported record must never merge into one (or make a public twin).
                    rejections.WriteLine($"{path}:{record.Position}: id '{paper.Id}' starts with '{Private.PrivatePaperStore.IdPrefix}', which is kept for private papers added on this site");
                    rejected++;
                    continue;
                }
                good++;
                batch.Add(paper);
                if (batch.Count >= BatchSize) await FlushAsync();
            }
            else
            {
                rejections.WriteLine($"{path}:{record.Position}: {record.Error}");
                rejected++;
            }
        }
        await FlushAsync();
        // An arXiv answer that matched nothing (Atom totalResults 0, OAI-PMH noRecordsMatch) is a
        // valid empty result: its reader yields nothing and reports no error. A JSON file with no
        // records at all is more likely the wrong file, so that is still reported.
        if (seen == 0 && !EmptyIsValid.Contains(reader.Format))
        {
            rejections.WriteLine($"{path}:1: no records found");
            rejected++;
        }
        return new ImportSummary(added, updated, rejected, TimeSpan.Zero);
    }
}
