using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paperboy.Authors;
using Paperboy.Config;
using Paperboy.Digests;
using Paperboy.Harvest;
using Paperboy.Search;
using Paperboy.SignIn;
using Paperboy.Syndication;
using Paperboy.Tests.Infrastructure;
using Paperboy.Thumbnails;
using Paperboy.Web;
using Paperboy.Webhooks;

namespace Paperboy.Tests.Operations;

/// <summary>
/// Every <c>PAPERBOY_*</c> setting is read by one parser, through configuration: good values in every documented
/// spelling are bound, and a bad one stops <c>serve</c> (and the commands) with one line naming the variable.
/// </summary>
public sealed class ConfigurationTests
{
    /// <summary>A variable of each settings group, a bad value and what the line says of it.</summary>
    public static TheoryData<string, string, string> BadValues => new()
    {
        { "PAPERBOY_THUMBNAILS", "yse", "is not a boolean (use 1/0, true/false, on/off)" },
        { "PAPERBOY_THUMBNAILS_INTERVAL", "1s", "is not a number of seconds, 0 or more" },
        { "PAPERBOY_THUMBNAILS_PDF", "pdf", "is not a boolean (use 1/0, true/false, on/off)" },
        { "PAPERBOY_HARVEST_SOURCES", "hf,arxv", "is not a source (use hf, arxiv, or both: hf,arxiv)" },
        { "PAPERBOY_HARVEST_AT", "6am", "is not a time of day HH:mm (e.g. 06:30)" },
        { "PAPERBOY_HARVEST_ARXIV_URL", "oaipmh.arxiv.org/oai", "is not an absolute http(s) URL" },
        { "PAPERBOY_SMTP_PORT", "smtp", "is not a whole number" },
        { "PAPERBOY_SMTP_PORT", "70000", "is not between 1 and 65535" },
        { "PAPERBOY_DIGEST_AT", "7", "is not a time of day HH:mm (e.g. 06:30)" },
        { "PAPERBOY_TIMEZONE", "Europe/Pariss", "is not a known time zone (use an IANA name such as Europe/Paris)" },
        { "PAPERBOY_PUBLIC_URL", "papers.example.org", "is not an absolute http(s) URL" },
        { "PAPERBOY_EMBEDDINGS_URL", "localhost:11434", "is not an absolute http(s) URL" },
        { "PAPERBOY_EMBEDDER", "of", "is not a boolean (use 1/0, true/false, on/off)" },
        { "PAPERBOY_EMBED_TOKENS", "128k", "is not a whole number" },
        { "PAPERBOY_EMBED_PRECISION", "fp16", "is not one of int8, float" },
        { "PAPERBOY_SEARCH_TUNE", "k1:1.2", "is not name=number (names: k1, b, title," },
        { "PAPERBOY_SUBMISSION_WINDOW_DAYS", "two weeks", "is not a whole number" },
        { "PAPERBOY_METRICS", "pubic", "is not one of public, private" },
        { "PAPERBOY_TRUSTED_PROXIES", "127.0.0.1,proxy.example.org", "is neither an IP address nor a CIDR range (e.g. 127.0.0.1, 10.0.0.0/8)" },
        { "PAPERBOY_WEBHOOK_ALLOW_PRIVATE", "maybe", "is not a boolean (use 1/0, true/false, on/off)" },
        { "PAPERBOY_PASSWORD_SIGNIN", "of", "is not a boolean (use 1/0, true/false, on/off)" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    [Trait("Engine", "independent")]
    public async Task ABadValueStopsServeWithOneLineNamingTheVariableBeforeTheDatabaseIsTouched(string name, string value, string what)
    {
        using var dir = new TempDir();
        var result = await ServeAsync(dir, (name, value));

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(Lines(result.Stderr));
        var expected = $"paperboy: {name}: \"{value.Split(',')[^1]}\" {what}";
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "data", "paperboy.db")), "the database was created before the settings were checked");
    }

    [Fact]
    [Trait("Engine", "independent")]
    public async Task SeveralBadValuesAreReportedTogetherOneLineEach()
    {
        using var dir = new TempDir();
        var result = await ServeAsync(dir, ("PAPERBOY_THUMBNAILS", "yse"), ("PAPERBOY_HARVEST_AT", "6am"),
            ("PAPERBOY_SMTP_PORT", "0"), ("PAPERBOY_PUBLIC_URL", "ftp://example.org"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            [
                "paperboy: PAPERBOY_HARVEST_AT: \"6am\" is not a time of day HH:mm (e.g. 06:30)",
                "paperboy: PAPERBOY_PUBLIC_URL: \"ftp://example.org\" is not an absolute http(s) URL",
                "paperboy: PAPERBOY_SMTP_PORT: \"0\" is not between 1 and 65535",
                "paperboy: PAPERBOY_THUMBNAILS: \"yse\" is not a boolean (use 1/0, true/false, on/off)",
            ],
            Lines(result.Stderr).Order(StringComparer.Ordinal));
    }

    [Fact]
    [Trait("Engine", "independent")]
    public async Task AHalfConfiguredSingleSignOnStopsServeWithTheVariableToSet()
    {
        using var dir = new TempDir();
        var result = await ServeAsync(dir, ("PAPERBOY_OIDC_CLIENT_ID", "paperboy"));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("paperboy: PAPERBOY_OIDC_CLIENT_ID is set but PAPERBOY_OIDC_AUTHORITY is not: set the provider's issuer URL (e.g. https://login.example.org/realms/lab).",
            Assert.Single(Lines(result.Stderr)));
    }

    [Theory]
    [InlineData("PAPERBOY_HARVEST_TIMEOUT", "soon", "is not a number of seconds, 0 or more", "harvest", "hf")]
    [InlineData("PAPERBOY_SMTP_PORT", "smtp", "is not a whole number", "digest", "send")]
    [InlineData("PAPERBOY_SEARCH_TUNE", "b=wide", "is not name=number", "search", "graph")]
    [Trait("Engine", "independent")]
    public async Task TheCommandsWithoutTheWebHostReadTheSameSettingsAndStopTheSameWay(string name, string value, string what, string command, string argument)
    {
        using var dir = new TempDir();
        var data = Path.Combine(dir.Path, "data");
        var result = await PaperboyCli.RunAsync(data, new Dictionary<string, string?> { ["PAPERBOY_DATABASE"] = null, [name] = value }, command, argument);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"paperboy: {name}: \"{value}\" {what}", Assert.Single(Lines(result.Stderr)), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, "paperboy.db")), "the database was created before the settings were checked");
    }

    [Theory]
    [InlineData("PAPERBOY_THUMBNAILS", "yse", "is not a boolean", "stats")]
    [InlineData("PAPERBOY_TIMEZONE", "Mars/Olympus", "is not a known time zone", "migrate")]
    [InlineData("PAPERBOY_EMBEDDER", "maybe", "is not a boolean", "reindex")]
    [InlineData("PAPERBOY_SMTP_PORT", "smtp", "is not a whole number", "users", "create", "--email", "ada@example.org")]
    [Trait("Engine", "independent")]
    public async Task EveryCommandChecksEveryValueServeChecksNotOnlyTheOnesItUses(string name, string value, string what, params string[] command)
    {
        // `paperboy migrate` run before a deploy passed with a value that then stopped `serve`; reindex rebuilt the
        // index first and complained after.
        using var dir = new TempDir();
        var data = Path.Combine(dir.Path, "data");
        var environment = new Dictionary<string, string?> { ["PAPERBOY_DATABASE"] = null, [name] = value };
        var result = await PaperboyCli.RunAsync(data, environment, command);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"paperboy: {name}: \"{value}\" {what}", Assert.Single(Lines(result.Stderr)), StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), "the data directory was made before the settings were checked");
        // Help is still there to read.
        Assert.Equal(0, (await PaperboyCli.RunAsync(data, environment, [.. command.Take(1), "--help"])).ExitCode);
    }

    [Theory]
    [InlineData("PAPERBOY_SMTP_PORT", "smtp", "serve --urls http://127.0.0.1:0")]
    [InlineData("PAPERBOY_SMTP_PORT", "smtp", "digest send")]
    [InlineData("PAPERBOY_HARVEST_TIMEOUT", "soon", "harvest hf")]
    [InlineData("PAPERBOY_SEARCH_TUNE", "b=wide", "search graph")]
    [Trait("Engine", "independent")]
    public async Task AStartStoppedByABadValueLeavesNoEmptyDataDirectoryBehind(string name, string value, string command)
    {
        // A user typing `paperboy serve` in an empty directory, with no --data: the data would go to ./paperboy-data.
        using var dir = new TempDir();
        var start = PaperboyCli.StartInfo(null, new Dictionary<string, string?> { ["PAPERBOY_DATA"] = null, ["PAPERBOY_DATABASE"] = null, [name] = value }, command.Split(' '));
        start.WorkingDirectory = dir.Path;
        var result = await RunUntilStoppedAsync(start);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"paperboy: {name}: \"{value}\"", Assert.Single(Lines(result.Stderr)), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("TRUE", true)]
    [InlineData(" on ", true)]
    [InlineData("Yes", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("OFF", false)]
    [InlineData("no", false)]
    [Trait("Engine", "independent")]
    public void EverySpellingOfOnAndOffThatWasAcceptedStillIs(string value, bool expected)
    {
        var harvestsHf = SettingsValues.Read(HarvestSettings.Read, ("PAPERBOY_HARVEST_SOURCES", "hf"));
        Assert.Equal(expected, SettingsValues.Read(c => ThumbnailSettings.Read(c, harvestsHf), ("PAPERBOY_THUMBNAILS", value)).Enabled);
        Assert.Equal(expected, SettingsValues.Read(c => ThumbnailSettings.Read(c, harvestsHf), ("PAPERBOY_THUMBNAILS_ALLOW_PRIVATE", value)).AllowPrivate);
        Assert.Equal(expected, SettingsValues.Read(BuiltInModelSettings.Read, ("PAPERBOY_EMBEDDER", value)).Enabled);
    }

    /// <summary>The features' own registrations over one configuration, as <c>serve</c> builds them.</summary>
    [Fact]
    [Trait("Engine", "independent")]
    public void GoodValuesOfEveryGroupAreBoundThroughTheFeaturesRegistrations()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PAPERBOY_HARVEST_SOURCES"] = "HF arxiv",
            ["PAPERBOY_HARVEST_AT"] = "05:30",
            ["PAPERBOY_HARVEST_ARXIV_INTERVAL"] = "4.5",
            ["PAPERBOY_HARVEST_ATTEMPTS"] = "0",
            ["PAPERBOY_HARVEST_HF_URL"] = "http://127.0.0.1:8080",
            ["PAPERBOY_THUMBNAILS_HOSTS"] = "*.example.org mirror.lab",
            ["PAPERBOY_THUMBNAILS_INTERVAL"] = "0.25",
            ["PAPERBOY_SMTP_HOST"] = " mail.example.org ",
            ["PAPERBOY_SMTP_PORT"] = "465",
            ["PAPERBOY_SMTP_PASSWORD"] = " two spaces ",
            ["PAPERBOY_DIGEST_AT"] = "18:45",
            ["PAPERBOY_TIMEZONE"] = "Europe/Paris",
            ["PAPERBOY_SEARCH_TUNE"] = "k1=1.2, B=0.75,rm3=1",
            ["PAPERBOY_EMBEDDINGS_URL"] = "http://127.0.0.1:11434/v1/embeddings",
            ["PAPERBOY_EMBED_TOKENS"] = "128",
            ["PAPERBOY_EMBED_THREADS"] = "2",
            ["PAPERBOY_EMBED_PRECISION"] = "Float",
            ["PAPERBOY_PUBLIC_URL"] = "https://papers.example.org/hub",
            ["PAPERBOY_SUBMISSIONS_PER_DAY"] = "7",
            ["PAPERBOY_METRICS"] = "Public",
            ["PAPERBOY_TRUSTED_PROXIES"] = "127.0.0.1, 10.0.0.0/8",
            ["PAPERBOY_WEBHOOK_ALLOW_PRIVATE"] = "yes",
            ["PAPERBOY_PASSWORD_SIGNIN"] = "OFF",
            ["PAPERBOY_AUTHOR_DOMAINS"] = "lab.example.org",
            ["PAPERBOY_OIDC_AUTHORITY"] = "https://login.example.org/realms/lab",
            ["PAPERBOY_OIDC_CLIENT_ID"] = "paperboy",
            ["PAPERBOY_OIDC_CLIENT_SECRET"] = "s3cret",
            ["PAPERBOY_OIDC_DOMAINS"] = "@Lab.example.org, example.com",
            ["PAPERBOY_OIDC_LABEL"] = " Sign in with Lab ID ",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddHarvest().AddThumbnails().AddDigests().AddPaperSearch().AddSettings(SiteUrl.Read);
        services.AddSiteAuth().AddSignIn().AddWebhooks().AddAuthors();
        using var provider = services.BuildServiceProvider();
        provider.ValidateSettings();

        var harvest = provider.GetRequiredService<HarvestSettings>();
        Assert.Equal(["hf", "arxiv"], harvest.Sources);
        Assert.Equal(new TimeOnly(5, 30), harvest.At);
        Assert.Equal(TimeSpan.FromSeconds(4.5), harvest.ArxivInterval);
        Assert.Equal(1, harvest.Attempts);
        Assert.Equal(new Uri("http://127.0.0.1:8080"), harvest.HfBaseUrl);
        Assert.Equal("Paperboy/1.0 (+https://papers.example.org/hub; self-hosted; contact not configured)", harvest.UserAgent);

        var thumbnails = provider.GetRequiredService<ThumbnailSettings>();
        Assert.True(thumbnails.Enabled); // follows the Hugging Face harvest
        Assert.Equal(["example.org", "mirror.lab"], thumbnails.Hosts);
        Assert.Equal(TimeSpan.FromSeconds(0.25), thumbnails.Interval);
        Assert.Equal(harvest.UserAgent, thumbnails.UserAgent);

        var mail = provider.GetRequiredService<DigestSettings>();
        Assert.Equal(("mail.example.org", 465, " two spaces "), (mail.SmtpHost, mail.SmtpPort, mail.SmtpPassword));
        Assert.Equal(new TimeOnly(18, 45), mail.DigestAt);
        Assert.Equal(TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"), mail.TimeZone);

        var search = provider.GetRequiredService<SearchSettings>();
        Assert.Equal((1.2f, 0.75f, true), (search.K1, search.B, search.Rm3));
        Assert.Equal(new SearchSettings().TitleBoost, search.TitleBoost);
        var endpoint = provider.GetRequiredService<EmbeddingEndpoint>();
        Assert.Equal(new Uri("http://127.0.0.1:11434/v1"), endpoint.BaseUri);
        Assert.Equal("nomic-embed-text", endpoint.Model);
        Assert.Equal(new BuiltInModelSettings(true, 128, 2, Quantized: false), provider.GetRequiredService<BuiltInModelSettings>());
        Assert.Equal("all-MiniLM-L6-v2@128", provider.GetRequiredService<NeuralEmbedder>().Model);

        Assert.Equal(new Uri("https://papers.example.org/hub/"), provider.GetRequiredService<SiteUrl>().ForEmail);

        var community = provider.GetRequiredService<CommunityOptions>();
        Assert.Equal((7, true), (community.SubmissionsPerDay, community.PublicMetrics));
        Assert.Equal(new CommunityOptions().SubmissionWindowDays, community.SubmissionWindowDays);
        Assert.Equal(["127.0.0.1", "10.0.0.0/8"], community.Proxies().Select(p => p.Address?.ToString() ?? p.Network?.ToString()));
        Assert.True(provider.GetRequiredService<WebhookSettings>().AllowPrivate);
        var signIn = provider.GetRequiredService<SignInSettings>();
        Assert.False(signIn.PasswordsEnabled);
        Assert.True(signIn.OidcEnabled);
        Assert.Equal(("https://login.example.org/realms/lab", "paperboy", "s3cret"), (signIn.Authority, signIn.ClientId, signIn.ClientSecret));
        Assert.Equal(["lab.example.org", "example.com"], signIn.AllowedDomains);
        Assert.Equal("Sign in with Lab ID", signIn.ButtonLabel);
        Assert.Equal(["lab.example.org"], provider.GetRequiredService<AuthorSettings>().TrustedDomains);
    }

    /// <summary>Tests (and appsettings) add configuration after the environment; the real app binds it like any variable.</summary>
    [Fact]
    public async Task TheAppBindsPaperboyVariablesFromItsConfiguration()
    {
        await using var app = await TestInstance.StartWithAsync(new Dictionary<string, string?>
        {
            ["PAPERBOY_THUMBNAILS"] = "on",
            ["PAPERBOY_THUMBNAILS_HOSTS"] = "mirror.lab",
            ["PAPERBOY_PUBLIC_URL"] = "https://papers.example.org",
            ["PAPERBOY_SMTP_PORT"] = "2525",
        });

        Assert.Equal(["mirror.lab"], app.Services.GetRequiredService<ThumbnailSettings>().Hosts);
        Assert.True(app.Services.GetRequiredService<ThumbnailSettings>().Enabled);
        Assert.Equal(new Uri("https://papers.example.org/"), app.Services.GetRequiredService<SiteUrl>().Configured);
        Assert.Equal(2525, app.Services.GetRequiredService<IOptions<DigestSettings>>().Value.SmtpPort);
    }

    /// <summary>Runs <c>paperboy serve</c> on a free port.</summary>
    static async Task<CliResult> ServeAsync(TempDir dir, params (string Name, string Value)[] environment)
    {
        var env = new Dictionary<string, string?> { ["PAPERBOY_DATABASE"] = null };
        foreach (var (name, value) in environment) env[name] = value;
        return await RunUntilStoppedAsync(PaperboyCli.StartInfo(Path.Combine(dir.Path, "data"), env, "serve", "--urls", "http://127.0.0.1:0"));
    }

    /// <summary>Runs the binary; one that does not stop on its own within a minute (a start that went ahead) is killed and fails the test.</summary>
    static async Task<CliResult> RunUntilStoppedAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"`{string.Join(' ', start.ArgumentList.Skip(1))}` started despite a bad setting: {await stdout}{await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
