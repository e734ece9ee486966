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
            var app = await WebApp.BuildAsync(options, result.GetValue(urls), ct: ct);
            await app.RunAsync();
            return ExitCodes.Ok;
        });
        return command;
    }
}
