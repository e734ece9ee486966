using System.CommandLine;
using System.Text.Json;
using Paperboy.Papers;
using Paperboy.Storage;

namespace Paperboy.Cli;

static class StatsCommand
{
    public static Command Build()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("stats", "Count papers, daily entries, members and subscribers") { json };
        command.SetAction(async (result, ct) =>
        {
            var database = Database.FromOptions(CliApp.Options(result));
            await database.MigrateAsync(ct);
            var stats = await new PaperStore(database, TimeProvider.System).StatsAsync(ct);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    papers = stats.Papers,
                    daily_entries = stats.DailyEntries,
                    members = stats.Members,
                    subscribers = stats.Subscribers,
                    latest_day = stats.LatestDay,
                }));
            }
            else
            {
                Console.WriteLine($"papers         {stats.Papers,10:N0}");
                Console.WriteLine($"daily entries  {stats.DailyEntries,10:N0}");
                Console.WriteLine($"members        {stats.Members,10:N0}");
                Console.WriteLine($"subscribers    {stats.Subscribers,10:N0}");
                Console.WriteLine($"latest day     {stats.LatestDay ?? "-",10}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
