using System.Runtime.CompilerServices;

namespace Paperboy.Tests.Infrastructure;

/// <summary>
/// Settings every test process starts with. The built-in neural model is off unless a test turns it
/// on (<see cref="TestInstance.StartEmbeddingAsync"/>, or PAPERBOY_EMBEDDER for a CLI process): embedding
/// every fixture paper in each of ~150 app starts would cost minutes of CPU and prove nothing more than
/// the embedding tests do. CLI processes the tests start inherit it.
/// </summary>
static class TestDefaults
{
#pragma warning disable CA2255 // a test assembly's process-wide default, set before any test runs
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply()
    {
        if (Environment.GetEnvironmentVariable("PAPERBOY_EMBEDDER") is null) Environment.SetEnvironmentVariable("PAPERBOY_EMBEDDER", "off");
    }
}
