namespace Paperboy.Tests.Infrastructure;

/// <summary>This checkout's root (where Paperboy.sln and README.md are), found by walking up from the test binary.</summary>
public static class Repository
{
    static readonly Lazy<string> Found = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Paperboy.sln")) && File.Exists(Path.Combine(dir.FullName, "README.md"))) return dir.FullName;
        throw new DirectoryNotFoundException("the repository root (Paperboy.sln) is not above " + AppContext.BaseDirectory);
    });

    public static string Root => Found.Value;
}
