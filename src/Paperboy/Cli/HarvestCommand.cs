using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Paperboy.Config;
using Paperboy.Harvest;
using Paperboy.Storage;

namespace Paperboy.Cli;

/// <summary><c>paperboy harvest hf|arxiv</c> (SPEC §5): one run now, from the last checkpoint unless told otherwise.</summary>
static class HarvestCommand
{
    public static Command Build()
    {
        var command = new Command("harvest", "Pull new papers from the live sources (Hugging Face daily papers, arXiv)");
        command.Subcommands.Add(BuildHf());
        command.Subcommands.Add(BuildArxiv());
        return command;
    }

    static Option<string?> From() => new("--from") { Description = "First day, YYYY-MM-DD (default: after the last harvested one)" };
    static Option<string?> To() => new("--to") { Description = "Last day, YYYY-MM-DD (default: today, UTC)" };
    static Option<string?> BaseUrl(string what) => new("--base-url") { Description = what };

    static Command BuildHf()
    {
        var (from, to, baseUrl) = (From(), To(), BaseUrl("Hugging Face base URL (default https://huggingface.co; env PAPERBOY_HARVEST_HF_URL)"));
        var command = new Command("hf", "Harvest Hugging Face daily papers, one request per day") { from, to, baseUrl };
        command.SetAction(async (result, ct) =>
        {
            var (first, last) = (Day(result.GetValue(from), "--from"), Day(result.GetValue(to), "--to"));
            if (first > last) throw new UsageException("--from is after --to");
            var settings = HarvestSettingsOrUsage();
            if (result.GetValue(baseUrl) is { } url) settings = settings with { HfBaseUrl = Url(url) };
            using var harvesters = Create(result, settings);
            Action<DateOnly>? progress = Console.IsOutputRedirected ? null : day => Console.Write($"\rhf {StoredTime.FormatDay(day)}…   ");
            return Finish(await RunAsync(() => harvesters.Hf.RunAsync(first, last, progress, ct: ct)));
        });
        return command;
    }

    static Command BuildArxiv()
    {
        var (from, to) = (From(), To());
        var baseUrl = BaseUrl("OAI-PMH endpoint (default https://oaipmh.arxiv.org/oai), or with --id the Atom API (default https://export.arxiv.org/api/query)");
        var sets = new Option<string[]>("--set") { Description = "OAI set(s), e.g. cs or physics:hep-th (default: PAPERBOY_HARVEST_ARXIV_SETS or cs)", AllowMultipleArgumentsPerToken = true };
        var ids = new Option<string[]>("--id") { Description = "Fetch these arXiv ids through the Atom API instead of listing a set", AllowMultipleArgumentsPerToken = true };
        var command = new Command("arxiv", "Harvest arXiv metadata over OAI-PMH (or the Atom API for --id), at most one request every 3 s") { sets, from, to, baseUrl, ids };
        command.SetAction(async (result, ct) =>
        {
            var (first, last) = (Day(result.GetValue(from), "--from"), Day(result.GetValue(to), "--to"));
            if (first > last) throw new UsageException("--from is after --to");
            var settings = HarvestSettingsOrUsage();
            var idList = result.GetValue(ids) ?? [];
            if (result.GetValue(baseUrl) is { } url)
                settings = idList.Length > 0 ? settings with { ArxivApiUrl = Url(url) } : settings with { ArxivOaiUrl = Url(url) };
            if (idList.Length > 0 && (first is not null || last is not null || result.GetValue(sets) is { Length: > 0 }))
                throw new UsageException("--id fetches single papers; it does not combine with --set, --from or --to");
            using var harvesters = Create(result, settings);

            if (idList.Length > 0)
            {
                var report = await RunAsync(async () => (await harvesters.Arxiv.FetchByIdsAsync(idList, ct)).Report);
                return Finish(report);
            }

            var setList = result.GetValue(sets) is { Length: > 0 } given ? given : settings.ArxivSets;
            var exit = ExitCodes.Ok;
            foreach (var set in setList)
            {
                Action<int>? progress = Console.IsOutputRedirected ? null : page => Console.Write($"\rarxiv {set} page {page}…   ");
                var code = Finish(await RunAsync(() => harvesters.Arxiv.RunAsync(set, first, last, progress, ct: ct)));
                // The worst outcome wins: failure over partial over success.
                exit = code == ExitCodes.Failure || exit == ExitCodes.Failure ? ExitCodes.Failure : Math.Max(exit, code);
            }
            return exit;
        });
        return command;
    }

    static Harvesters Create(ParseResult result, HarvestSettings settings) =>
        new(Database.FromOptions(CliApp.Options(result)), settings, NullLoggerFactory.Instance);

    static async Task<HarvestReport> RunAsync(Func<Task<HarvestReport>> run)
    {
        try
        {
            return await run();
        }
        catch (HarvestRun.BusyException ex)
        {
            return new HarvestReport(ex.HarvestSource) { Error = ex.Message };
        }
    }

    /// <summary>Rejections on stderr as the importer reports them, one summary line on stdout, one clear line on failure.</summary>
    static int Finish(HarvestReport report)
    {
        if (!Console.IsOutputRedirected) Console.Write("\r\u001b[K");
        foreach (var line in report.Rejections) Console.Error.WriteLine(line);
        if (report.Error is not null)
        {
            Console.Error.WriteLine(report.Unreachable
                ? $"paperboy: harvest of {report.Source}: source unreachable: {report.Error}; the next run resumes from the last checkpoint"
                : $"paperboy: harvest of {report.Source} failed: {report.Error}");
        }
        Console.WriteLine(report.Summary);
        return report.ExitCode;
    }

    /// <summary>A bad value stops the command (exit 2, one line per variable, as <c>serve</c> does).</summary>
    static HarvestSettings HarvestSettingsOrUsage() => SettingsSetup.FromEnvironment(HarvestSettings.Read);

    /// <summary>
    /// A day to ask a source for: not before the catalog's first day, and not after tomorrow (UTC; a source somewhere
    /// east may be a day ahead). A future day has no papers, and a typo like 2205 once meant millions of requests and a
    /// checkpoint that never moves back, so later runs would skip the days they should catch up.
    /// </summary>
    static DateOnly? Day(string? text, string flag)
    {
        if (text is null) return null;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            throw new UsageException($"{flag} must be a date YYYY-MM-DD, got '{text}'");
        var tomorrow = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).AddDays(1);
        if (d < Papers.CatalogDates.First || d > tomorrow)
            throw new UsageException($"{flag} {text} is out of range: a source has papers from {Papers.CatalogDates.First:yyyy-MM-dd} to today (UTC)");
        return d;
    }

    static Uri Url(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)
            ? u
            : throw new UsageException($"--base-url must be an http(s) URL, got '{text}'");
}
