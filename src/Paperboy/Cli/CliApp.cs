using System.CommandLine;

namespace Paperboy.Cli;

/// <summary>
/// The <c>paperboy</c> command line (SPEC §3). Exit codes everywhere: 0 success, 1 failure,
/// 2 usage error or unreadable input (nothing changed), 3 partial success.
/// </summary>
public static class CliApp
{
    public static readonly Option<string?> DataOption = new("--data")
    {
        Description = "Directory for the embedded database and derived indexes (env PAPERBOY_DATA; default ./paperboy-data)",
        Recursive = true,
    };

    public static readonly Option<string?> DatabaseOption = new("--database")
    {
        Description = "Connection string of a database server, e.g. Host=...;Database=... (env PAPERBOY_DATABASE)",
        Recursive = true,
    };

    public static RootCommand Build()
    {
        var root = new RootCommand("Paperboy: a self-hosted research-paper hub: daily papers, search, upvotes, digests.");
        root.Options.Add(DataOption);
        root.Options.Add(DatabaseOption);
        root.Subcommands.Add(ServeCommand.Build());
        root.Subcommands.Add(ImportCommand.Build());
        root.Subcommands.Add(ExportCommand.Build());
        root.Subcommands.Add(MigrateCommand.Build());
        root.Subcommands.Add(BackupCommand.Build());
        root.Subcommands.Add(StatsCommand.Build());
        root.Subcommands.Add(SearchCommands.Search());
        root.Subcommands.Add(SearchCommands.Similar());
        root.Subcommands.Add(GroupsCommands.Build());
        root.Subcommands.Add(SearchCommands.Reindex());
        root.Subcommands.Add(EvalCommand.Build());
        root.Subcommands.Add(DigestCommand.Build());
        root.Subcommands.Add(HarvestCommand.Build());
        root.Subcommands.Add(MembersCommands.Users());
        root.Subcommands.Add(MembersCommands.Tokens());
        root.Subcommands.Add(ReadPdfCommand.Build());
        return root;
    }

    public static PaperboyOptions Options(ParseResult result) =>
        PaperboyOptions.Resolve(result.GetValue(DataOption), result.GetValue(DatabaseOption));

    /// <summary>
    /// A file a command is about to write (--output, --run), checked before any work: not a directory, and in a folder
    /// that exists (else the write failed at the end, after minutes of work, with the system's sentence about a ".partial").
    /// </summary>
    public static void CheckOutputFile(string path)
    {
        if (Directory.Exists(path)) throw new UsageException($"{path}: is a directory");
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder && !Directory.Exists(folder)) throw new UsageException($"{path}: no folder {folder}");
    }

    /// <summary>
    /// The database of a command that only reads or rebuilds from it (stats, export, search, similar, reindex): on the
    /// embedded engine its file must exist, or a mistyped --data would quietly make an empty instance and report on it.
    /// </summary>
    public static Storage.Database ExistingDatabase(ParseResult result)
    {
        var database = Storage.Database.FromOptions(Options(result));
        if (database.Dialect is Storage.SqliteDialect sqlite && !File.Exists(sqlite.Path))
            throw new UsageException($"{sqlite.Path}: no database here; check --data (or PAPERBOY_DATA): `paperboy import` or `paperboy serve` makes one");
        return database;
    }

    /// <summary>
    /// Every PAPERBOY_* value, checked as <c>serve</c> checks them (the features' own settings classes, registered as
    /// serve registers them), before any command runs: a bad value anywhere stops <c>migrate</c> or <c>import</c> too, so
    /// a command run as a check before a deploy fails where <c>serve</c> would. Nothing is started; only the settings are read.
    /// </summary>
    static void CheckSettings()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Config.SettingsSetup.Environment());
        services.AddSingleton(TimeProvider.System);
        Web.SiteAuth.AddSiteAuth(services);
        Web.WebApp.AddFeatures(services);
        using var provider = services.BuildServiceProvider();
        Config.SettingsSetup.ValidateSettings(provider);
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Build();
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) Console.Error.WriteLine($"paperboy: {error.Message}");
            Console.Error.WriteLine("Run 'paperboy --help' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            // serve builds the host, which checks the same settings before it touches anything: not twice.
            if (result.Action is not System.CommandLine.Help.HelpAction && !args.Contains("--version") && result.CommandResult.Command.Name != "serve")
                CheckSettings();
            return await result.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"paperboy: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (Config.SettingsSetup.ErrorLines(ex) is { } lines)
        {
            // A bad PAPERBOY_* value: one line per variable, naming it and what is allowed; nothing was started or changed.
            foreach (var line in lines) Console.Error.WriteLine($"paperboy: {line}");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("paperboy: cancelled");
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException or Storage.NewerSchemaException)
        {
            // A path that cannot be written or read (a missing folder for --output, --data naming a file), an address
            // already in use, a database from a newer paperboy: the system's own sentence, no stack trace.
            Console.Error.WriteLine($"paperboy: {ex.Message}");
            return ExitCodes.Failure;
        }
        catch (NotSupportedException ex)
        {
            Console.Error.WriteLine($"paperboy: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or System.Net.Sockets.SocketException or TimeoutException)
        {
            // A database that is down or refuses us: say so plainly, no stack trace.
            // The inner exception says what timed out or refused (a connect, a read), which the outer one often does not.
            var cause = ex.InnerException is { } inner && inner.Message != ex.Message ? $" ({inner.Message})" : "";
            Console.Error.WriteLine($"paperboy: database error: {ex.Message}{cause}");
            return ExitCodes.Failure;
        }
    }
}

public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Partial = 3;
}

/// <summary>Bad flags or unreadable input: reported on stderr, exit 2, nothing changed.</summary>
public sealed class UsageException(string message) : Exception(message);
