using Microsoft.Extensions.Logging;

namespace Paperboy.Tests.Infrastructure;

/// <summary>
/// The exceptions behind a test site's 500s, appended to the file <c>PAPERBOY_TEST_ERROR_LOG</c> names (<c>.ci/run</c>
/// sets one per pass and prints it when a pass fails). A test sees only the status: a 500 that happens once in a
/// hundred runs, under load, left nothing to read. Only exceptions no handler caught are kept (the exception handler's
/// and Kestrel's errors); the errors the app and its libraries log on purpose (a dead SMTP server, a tampered sign-in
/// token) are not.
/// </summary>
sealed class UnhandledErrorLog(string path) : ILoggerProvider
{
    static readonly Lock Gate = new();

    public static string? Path => Environment.GetEnvironmentVariable("PAPERBOY_TEST_ERROR_LOG") is { Length: > 0 } p ? p : null;

    // The exception handler middleware logs what reached it; Kestrel what got past it (or came before it).
    public static bool Keeps(string? category, LogLevel level) =>
        level >= LogLevel.Error && category is not null
        && (category.StartsWith("Microsoft.AspNetCore.Diagnostics.", StringComparison.Ordinal) || category.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal));

    /// <summary>Keeps a site's unhandled exceptions in <paramref name="path"/>, and nothing else of its logs.</summary>
    public static void AddTo(ILoggingBuilder logging, string path)
    {
        logging.AddProvider(new UnhandledErrorLog(path));
        logging.AddFilter(Keeps);
    }

    public ILogger CreateLogger(string categoryName) => new Writer(path, categoryName);

    public void Dispose() { }

    sealed class Writer(string path, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => Keeps(category, logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var entry = $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {category}: {formatter(state, exception)}\n{exception}\n\n";
            lock (Gate) File.AppendAllText(path, entry);
        }
    }
}
