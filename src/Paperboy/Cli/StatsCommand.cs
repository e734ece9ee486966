using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Cli;

static class StatsCommand
{
    public static Command Build()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("stats", "Count papers, daily entries, members and subscribers") { json };
        command.SetAction(async (result, ct) =>
        {
            var database = CliApp.ExistingDatabase(result);
            await database.MigrateAsync(ct);
            // Each feature counts its own tables (SiteCounts).
            var counts = await SiteCounts.CountAsync(database, ct);
            if (result.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(counts.ToDictionary(x => x.Key, x => (object?)x.Number ?? x.Text)));
            else
                foreach (var count in counts)
                    Console.WriteLine($"{count.Label,-15}{(count.Number is { } n ? n.ToString("N0", CultureInfo.CurrentCulture) : count.Text ?? "-"),10}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
