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
static class TestDefaults
{
#pragma warning disable CA2255 // a test assembly's process-wide default, set before any test runs
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply()
    {
        if (Environment.GetEnvironmentVariable("PAPERBOY_EMBEDDER") is null) Environment.SetEnvironmentVariable("PAPERBOY_EMBEDDER", "off");
        if (Environment.GetEnvironmentVariable("PAPERBOY_EMBED_THREADS") is null)
            Environment.SetEnvironmentVariable("PAPERBOY_EMBED_THREADS", EmbedThreads.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The model's batch threads in tests (PAPERBOY_EMBED_THREADS for sites and CLI processes; tests that make an embedder pass it).</summary>
    internal const int EmbedThreads = 1;
}
