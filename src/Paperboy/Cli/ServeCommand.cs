using System.CommandLine;
using Paperboy.Web;

namespace Paperboy.Cli;

static class ServeCommand
{
    public static Command Build()
    {
        var urls = new Option<string?>("--urls") { Description = "Address(es) to listen on (default http://127.0.0.1:5000; env ASPNETCORE_URLS)" };
        var command = new Command("serve", "Run the web site, the JSON API and background jobs") { urls };
        command.SetAction(async (result, ct) =>
        {
            var options = CliApp.Options(result);
            if (result.GetValue(urls) is { } given && BadUrl(given) is { } bad)
                throw new UsageException($"--urls: \"{bad}\" is not an address to listen on (e.g. http://127.0.0.1:5000; several separated by ';')");
            var app = await WebApp.BuildAsync(options, result.GetValue(urls), ct: ct);
            await app.RunAsync();
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The first of the addresses Kestrel would refuse (it takes http(s)://host:port, with * or + for every interface), else null.</summary>
    static string? BadUrl(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(u =>
            !Uri.TryCreate(u.Replace("://*", "://any", StringComparison.Ordinal).Replace("://+", "://any", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https"));
}
