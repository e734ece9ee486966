using System.Diagnostics;

namespace Paperboy.Cli;

/// <summary>
/// Long work shows progress on a terminal (SPEC §3): one line, rewritten in place with \r. When stdout
/// is not a terminal nothing is written, so logs and pipes get only the command's summary line.
/// </summary>
sealed class TerminalProgress
{
    /// <summary>Redrawing more often than this only costs time on a slow terminal.</summary>
    const long IntervalMs = 100;

    readonly bool _enabled = !Console.IsOutputRedirected;
    readonly Stopwatch _since = Stopwatch.StartNew();
    long _lastMs = -IntervalMs;

    public void Report(string text)
    {
        if (!_enabled) return;
        var now = _since.ElapsedMilliseconds;
        if (now - _lastMs < IntervalMs) return;
        _lastMs = now;
        // \e[K clears what a longer previous line left behind.
        Console.Write($"\r{text}\u001b[K");
    }

    /// <summary>A 20-cell bar for a fraction from 0 to 1: [#########...........].</summary>
    public static string Bar(double fraction)
    {
        var full = (int)Math.Round(Math.Clamp(fraction, 0, 1) * 20);
        return "[" + new string('#', full) + new string('.', 20 - full) + "]";
    }

    /// <summary>Erases the line so the summary starts on a clean one.</summary>
    public void Clear()
    {
        if (_enabled) Console.Write("\r\u001b[K");
    }
}
