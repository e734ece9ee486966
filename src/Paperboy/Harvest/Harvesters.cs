using Paperboy.Storage;

namespace Paperboy.Harvest;

/// <summary>
/// The harvesters of one process and their polite HTTP clients. One per process (a singleton in
/// <c>serve</c>), so the scheduled harvest and on-demand lookups (submissions) share arXiv's budget
/// of one request every 3 s.
/// </summary>
public sealed class Harvesters : IDisposable
{
    readonly PoliteHttp _hfHttp;
    readonly PoliteHttp _arxivHttp;

    public Harvesters(Database database, HarvestSettings settings, ILoggerFactory loggers, TimeProvider? time = null)
    {
        Settings = settings;
        // "Today" decides default ranges, and leases and cursors are stamped: tests move it, production uses the system clock.
        Time = time ?? TimeProvider.System;
        Store = new HarvestStore(database, Time);
        var logger = loggers.CreateLogger("Paperboy.Harvest");
        _hfHttp = new PoliteHttp(Policy(settings, settings.HfInterval), settings.UserAgent, settings.Contact, logger, time: Time);
        // OAI-PMH and the Atom API are two hosts of one operator: one gate, the stricter interval.
        var arxivInterval = Max(HarvestSettings.PoliteInterval(settings.ArxivOaiUrl, settings.ArxivInterval),
            HarvestSettings.PoliteInterval(settings.ArxivApiUrl, settings.ArxivInterval));
        _arxivHttp = new PoliteHttp(Policy(settings, arxivInterval), settings.UserAgent, settings.Contact, logger, time: Time);
        Hf = new HfHarvester(Store, _hfHttp, settings, logger, Time);
        Arxiv = new ArxivHarvester(Store, _arxivHttp, settings, logger, Time);
    }

    public HarvestSettings Settings { get; }
    public TimeProvider Time { get; }
    public HarvestStore Store { get; }
    public HfHarvester Hf { get; }
    public ArxivHarvester Arxiv { get; }

    static FetchPolicy Policy(HarvestSettings s, TimeSpan interval) =>
        new(interval, s.Timeout, s.Attempts, s.Backoff, s.MaxRetryAfter);

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public void Dispose()
    {
        _hfHttp.Dispose();
        _arxivHttp.Dispose();
    }
}
