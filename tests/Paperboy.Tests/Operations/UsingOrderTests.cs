using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Text;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Operations;

/// <summary>
/// The order of every C# file's using directives, as the repository's .editorconfig asks (System first, no blank
/// lines between groups): checked with Roslyn's own "organize imports", the code <c>dotnet format style</c> runs for
/// it, at this SDK's compiler version. CI ran the whole <c>dotnet format style</c> for this and for file-scoped
/// namespaces, ~50 s of CPU beside the build; the namespaces are the build's to check now
/// (<c>EnforceCodeStyleInBuild</c>), and this takes a few seconds.
/// </summary>
[Trait("Engine", "independent")] // reads source files only
public sealed class UsingOrderTests
{
    [Fact]
    public async Task EverySourceFileListsItsUsingDirectivesInTheOrderDotnetFormatGivesThem()
    {
        var root = Repository.Root;
        // The C# files of the solution's projects, as `dotnet format Paperboy.sln` finds them (build output left out).
        var projects = Repository.ProjectDirectories();
        Assert.Contains(Path.Combine(root, "src", "Paperboy"), projects);
        Assert.Contains(Path.Combine(root, "tests", "Paperboy.Tests"), projects);
        var files = projects
            .SelectMany(dir => Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
                .Where(f => !Path.GetRelativePath(dir, f).Split('/').Any(part => part is "bin" or "obj" or "node_modules")))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(files.Count > 300, $"{files.Count} files in the solution's projects");

        var misordered = await MisorderedAsync(root, files.Select(f => (f, File.ReadAllText(f))).ToList());
        Assert.True(misordered.Count == 0,
            "using directives out of order (run `dotnet format style Paperboy.sln` and commit the result):\n" + string.Join("\n", misordered));
    }

    [Fact]
    public async Task AFileWithTwoUsingsSwappedOrSystemAfterAnotherNamespaceIsCaughtAndOneInOrderIsNot()
    {
        var root = Repository.Root;
        const string inOrder = "using System.Text;\nusing Microsoft.Extensions.Logging;\nusing Paperboy.Storage;\n\nnamespace Paperboy.Example;\n";
        const string swapped = "using System.Text;\nusing Paperboy.Storage;\nusing Microsoft.Extensions.Logging;\n\nnamespace Paperboy.Example;\n";
        const string systemLast = "using Microsoft.Extensions.Logging;\nusing System.Text;\n\nnamespace Paperboy.Example;\n";
        var file = Path.Combine(root, "src", "Paperboy", "Example.cs");

        Assert.Empty(await MisorderedAsync(root, [(file, inOrder)]));
        Assert.Equal(["src/Paperboy/Example.cs"], await MisorderedAsync(root, [(file, swapped)]));
        Assert.Equal(["src/Paperboy/Example.cs"], await MisorderedAsync(root, [(file, systemLast)]));
    }

    /// <summary>The files (relative to <paramref name="root"/>) that Roslyn's organize-imports would change, under the repository's .editorconfig.</summary>
    static async Task<List<string>> MisorderedAsync(string root, IReadOnlyList<(string Path, string Text)> files)
    {
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "sources", "sources",
            LanguageNames.CSharp, filePath: Path.Combine(root, "sources.csproj")));
        var editorConfig = Path.Combine(root, ".editorconfig");
        project = project.AddAnalyzerConfigDocument(".editorconfig", SourceText.From(await File.ReadAllTextAsync(editorConfig)), filePath: editorConfig).Project;
        var ids = new List<DocumentId>();
        foreach (var (path, text) in files)
        {
            var document = project.AddDocument(Path.GetFileName(path), SourceText.From(text), filePath: path);
            ids.Add(document.Id);
            project = document.Project;
        }

        var misordered = new List<string>();
        foreach (var id in ids)
        {
            var document = project.GetDocument(id)!;
            var organized = await Formatter.OrganizeImportsAsync(document, CancellationToken.None);
            if (!(await organized.GetTextAsync()).ContentEquals(await document.GetTextAsync()))
                misordered.Add(Path.GetRelativePath(root, document.FilePath!));
        }
        return misordered;
    }
}
