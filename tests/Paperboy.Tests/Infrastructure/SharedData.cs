namespace Paperboy.Tests.Infrastructure;

/// <summary>The real data of <c>../shared/data</c>, found by walking up from the test binary.</summary>
public static class SharedData
{
    static readonly Lazy<string> Root = new(Find);

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);

    public static string[] Files(string folder, string pattern) =>
        Directory.GetFiles(Path(folder), pattern).OrderBy(f => f, StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Three days of Hugging Face papers (2025-11-26..28, 28 papers), a small real catalog for tests of search:
    /// among them the mobile-robots paper 2511.17889 that the model finds for a question in other words.
    /// </summary>
    public static string[] ThreeHfDays => new[] { "2025-11-26.json", "2025-11-27.json", "2025-11-28.json" }
        .Select(day => Path("hf-daily-papers", day)).ToArray();

    static string Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("PAPERBOY_SHARED_DATA");
        if (!string.IsNullOrEmpty(fromEnv) && Directory.Exists(fromEnv)) return fromEnv;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("../shared/data not found above " + AppContext.BaseDirectory + "; set PAPERBOY_SHARED_DATA");
    }
}
