using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Paperboy.Tests.Community;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Operations;

/// <summary>
/// The README's quick start, typed as a new user types it: its code blocks are read from README.md and
/// run literally, with bash, from the root of a fresh clone of this commit (with <c>../shared</c> beside
/// it, as the README assumes). Nothing is translated into absolute paths or a prebuilt binary, so the
/// test fails whenever the README and the program disagree, and follows the README when it changes.
/// </summary>
[Trait("Engine", "independent")] // the README's commands name no engine: they run on the embedded one whatever the pass
[RunsFor(65)]
public sealed partial class ReadmeQuickStartTests
{
    const string Site = "http://127.0.0.1:5000";

    [Fact]
    public async Task TheQuickStartWorksWhenTypedFromTheRootOfAFreshClone()
    {
        var repo = Repository.Root;
        var commands = QuickStart(await File.ReadAllTextAsync(Path.Combine(repo, "README.md")));
        // The test command of the README is what runs this test: it is there, and it is the one line not run here.
        Assert.Contains("bash .ci/run", commands);
        commands = commands.Where(c => c != "bash .ci/run").ToList();
        var serve = Assert.Single(commands, c => c.EndsWith(" serve", StringComparison.Ordinal));
        var create = Assert.Single(commands, c => c.Contains(" users create ", StringComparison.Ordinal));
        var import = Assert.Single(commands, c => c.Contains(" import ", StringComparison.Ordinal));
        Assert.Equal([serve, create, import], commands);

        using var dir = new TempDir();
        var clone = Path.Combine(dir.Path, "paperboy");
        var head = (await RunAsync(repo, "git rev-parse HEAD")).Stdout.Trim();
        await RunAsync(dir.Path, $"git clone --quiet --no-checkout '{repo}' paperboy && git -C paperboy checkout --quiet {head}");
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "shared"), Path.GetDirectoryName(SharedData.Path())!);

        using var server = Start(clone, serve);
        try
        {
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(Site) };
            await WaitForAsync(http, server);

            var created = await RunAsync(clone, create);
            Assert.Contains("(admin)", created.Stdout, StringComparison.Ordinal);
            var password = PasswordLine().Match(created.Stdout).Groups["p"].Value;
            Assert.NotEmpty(password);

            var imported = await RunAsync(clone, import);
            var summary = ImportSummary().Match(imported.Stdout + imported.Stderr);
            Assert.True(summary.Success, imported.Stdout + imported.Stderr);
            Assert.True(int.Parse(summary.Groups["new"].Value, System.Globalization.CultureInfo.InvariantCulture) > 1000, summary.Value);

            // The data went where the README says: ./paperboy-data of the directory the commands were typed in.
            Assert.True(File.Exists(Path.Combine(clone, "paperboy-data", "paperboy.db")), "no ./paperboy-data/paperboy.db in the clone's root");
            Assert.False(Directory.Exists(Path.Combine(clone, "src", "Paperboy", "paperboy-data")), "data went to src/Paperboy/paperboy-data");

            // The running site shows the imported papers, and the admin signs in to /admin.
            var home = await http.GetStringAsync("/");
            Assert.Contains(Dom.Parse(home).Hrefs(), href => PaperLink().IsMatch(href));
            var browser = new Browser(http, new CookieContainer());
            var signIn = await browser.SubmitAsync("/login", "/login", ("email", "you@example.org"), ("password", password));
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/admin")).StatusCode);
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    /// <summary>The commands of the code blocks in the README's "Two commands" section, comments and blank lines left out.</summary>
    static List<string> QuickStart(string readme)
    {
        var section = Regex.Match(readme, @"^## Two commands\s*$(?<body>.*?)^## ", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(section.Success, "README.md has no '## Two commands' section");
        return CodeBlock().Matches(section.Groups["body"].Value)
            .SelectMany(m => m.Groups["code"].Value.Split('\n'))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
    }

    static Process Start(string directory, string command)
    {
        // exec: the process is the command itself, so killing its tree stops the site.
        var start = Bash(directory, "exec " + command);
        return Process.Start(start)!;
    }

    static async Task<CliResult> RunAsync(string directory, string command)
    {
        using var process = Process.Start(Bash(directory, command))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(cts.Token);
        var result = new CliResult(process.ExitCode, await stdout, await stderr);
        Assert.True(result.ExitCode == 0, $"`{command}` exited {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        return result;
    }

    static ProcessStartInfo Bash(string directory, string command)
    {
        var start = new ProcessStartInfo("bash", ["-c", command])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // A new user's shell: none of the test run's Paperboy settings.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("PAPERBOY_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        return start;
    }

    static async Task WaitForAsync(HttpClient http, Process server)
    {
        // The first `dotnet run` of a fresh clone restores and builds everything: minutes on a small machine.
        var output = new StringBuilder();
        server.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        server.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var answered = await Eventually.TrueAsync(async () => server.HasExited || await HealthyAsync(http), TimeSpan.FromMinutes(15));
        Assert.False(server.HasExited, "the site stopped:\n" + output);
        Assert.True(answered, "the site did not answer on " + Site + ":\n" + output);
    }

    /// <summary>Whether /healthz says OK; a refused connection (the site still building) is a no.</summary>
    static async Task<bool> HealthyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    [GeneratedRegex("```sh\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"^/papers/[0-9]{4}\.[0-9]{4,5}$")]
    private static partial Regex PaperLink();

    [GeneratedRegex(@"^password: (?<p>\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex PasswordLine();

    [GeneratedRegex(@"imported (?<new>\d+) new, \d+ updated, \d+ rejected")]
    private static partial Regex ImportSummary();
}
