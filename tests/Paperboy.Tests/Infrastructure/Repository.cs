using System.Text.RegularExpressions;

namespace Paperboy.Tests.Infrastructure;

/// <summary>This checkout's root (where Paperboy.sln and README.md are), found by walking up from the test binary.</summary>
public static partial class Repository
{
    static readonly Lazy<string> Found = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Paperboy.sln")) && File.Exists(Path.Combine(dir.FullName, "README.md"))) return dir.FullName;
        throw new DirectoryNotFoundException("the repository root (Paperboy.sln) is not above " + AppContext.BaseDirectory);
    });

    public static string Root => Found.Value;

    /// <summary>The folders of the solution's projects (as <c>dotnet format Paperboy.sln</c> and <c>dotnet restore</c> find them).</summary>
    public static IReadOnlyList<string> ProjectDirectories() =>
        SolutionProject().Matches(File.ReadAllText(Path.Combine(Root, "Paperboy.sln")))
            .Select(m => Path.GetDirectoryName(Path.Combine(Root, m.Groups["path"].Value.Replace('\\', '/')))!)
            .ToList();

    [GeneratedRegex(@"^Project\(""\{[^}]+\}""\) = ""[^""]+"", ""(?<path>[^""]+\.csproj)""", RegexOptions.Multiline)]
    private static partial Regex SolutionProject();
}
