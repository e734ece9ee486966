using System.Text.Json;
using System.Text.RegularExpressions;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Operations;

/// <summary>
/// Every package in a project's restore graph, including what its packages pull in, is pinned in
/// Directory.Packages.props (transitive pinning is on), so that a dependency's new dependency never reaches a build
/// unannounced. Read from each project's <c>obj/project.assets.json</c>, which the build this test runs in has written.
/// </summary>
[Trait("Engine", "independent")] // reads restore output only
public sealed partial class PackagePinTests
{
    // The SDK's own implicit packages: versioned by the SDK, never by Directory.Packages.props.
    static readonly string[] SdkPackages = ["Microsoft.AspNetCore.App.Internal.Assets"];

    [Fact]
    public void EveryPackageThatAnyProjectRestoresIsPinnedAtTheVersionItResolvesTo()
    {
        var root = Repository.Root;
        var pins = PackageVersion().Matches(File.ReadAllText(Path.Combine(root, "Directory.Packages.props")))
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["version"].Value, StringComparer.OrdinalIgnoreCase);
        var assets = Repository.ProjectDirectories().Select(p => Path.Combine(p, "obj", "project.assets.json")).ToList();
        Assert.Contains(Path.Combine(root, "src", "Paperboy", "obj", "project.assets.json"), assets);
        Assert.All(assets, a => Assert.True(File.Exists(a), $"{a} is missing: restore the solution first"));

        var problems = new List<string>();
        foreach (var file in assets)
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            var project = Path.GetRelativePath(root, Path.GetDirectoryName(Path.GetDirectoryName(file))!);
            foreach (var library in json.RootElement.GetProperty("libraries").EnumerateObject())
            {
                if (library.Value.GetProperty("type").GetString() != "package") continue;
                var (name, version) = (library.Name.Split('/')[0], library.Name.Split('/')[1]);
                if (SdkPackages.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
                if (!pins.TryGetValue(name, out var pinned)) problems.Add($"{project}: {name} {version} is not pinned");
                else if (pinned != version) problems.Add($"{project}: {name} resolves to {version}, pinned at {pinned}");
            }
        }
        Assert.True(problems.Count == 0,
            "pin these in Directory.Packages.props at the versions they resolve to (or restore again after changing a pin):\n" + string.Join("\n", problems.Distinct()));
        Assert.True(pins.Count > 50, $"{pins.Count} pins read");
    }

    [GeneratedRegex("""<PackageVersion Include="(?<name>[^"]+)" Version="(?<version>[^"]+)" />""")]
    private static partial Regex PackageVersion();
}
