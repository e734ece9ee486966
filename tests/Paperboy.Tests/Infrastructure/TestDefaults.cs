using System.Runtime.CompilerServices;

namespace Paperboy.Tests.Infrastructure;

/// <summary>
/// Settings every test process starts with. The built-in neural model is off unless a test turns it
/// on (<see cref="TestInstance.StartEmbeddingAsync"/>, or PAPERBOY_EMBEDDER for a CLI process): embedding
/// every fixture paper in each of ~150 app starts would cost minutes of CPU and prove nothing more than
/// the embedding tests do. CLI processes the tests start inherit it.
/// Where the model runs, it runs on one thread (<see cref="EmbedThreads"/>): the suite runs several test classes
/// on each core, so a second thread only adds the cost of handing work between them (the model embedding
/// Cranfield's 1,400 papers: 41 s of CPU on two threads, 33 s on one); a site's default stays every core.
/// </summary>
static partial class TestDefaults
{
#pragma warning disable CA2255 // a test assembly's process-wide default, set before any test runs
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply()
    {
        if (Environment.GetEnvironmentVariable("PAPERBOY_EMBEDDER") is null) Environment.SetEnvironmentVariable("PAPERBOY_EMBEDDER", "off");
        if (Environment.GetEnvironmentVariable("PAPERBOY_EMBED_THREADS") is null)
            Environment.SetEnvironmentVariable("PAPERBOY_EMBED_THREADS", EmbedThreads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Dapper.SqlMapper.ConnectionStringComparer = SameEngine.Instance;
    }

    /// <summary>
    /// Dapper keeps the readers and parameter writers it generates (IL, compiled by the JIT at full optimisation) per
    /// SQL text, type and connection string. A site has one connection string, but each of the hundreds of test sites
    /// in this process has its own (its file or database name), so every site generated them all again: ~3,000
    /// compiled methods in 200 tests. Connection strings that differ only in the file or database share them here,
    /// as a site's requests do (Dapper still checks each reader's columns and their types before reusing one).
    /// </summary>
    sealed partial class SameEngine : IEqualityComparer<string>
    {
        public static readonly SameEngine Instance = new();

        static string Key(string connectionString) => DatabaseName().Replace(connectionString, "");

        public bool Equals(string? x, string? y) => x is null || y is null ? x == y : Key(x) == Key(y);

        public int GetHashCode(string connectionString) => Key(connectionString).GetHashCode(StringComparison.Ordinal);

        [System.Text.RegularExpressions.GeneratedRegex("(?i)(Data Source|Database)=[^;]*")]
        private static partial System.Text.RegularExpressions.Regex DatabaseName();
    }

    /// <summary>The model's batch threads in tests (PAPERBOY_EMBED_THREADS for sites and CLI processes; tests that make an embedder pass it).</summary>
    internal const int EmbedThreads = 1;
}
