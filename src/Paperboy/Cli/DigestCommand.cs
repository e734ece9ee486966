using System.CommandLine;
using Paperboy.Alerts;
using Paperboy.Club;
using Paperboy.Config;
using Paperboy.Digests;
using Paperboy.Groups;
using Paperboy.Papers;
using Paperboy.Recommendations;
using Paperboy.Search;
using Paperboy.Storage;

namespace Paperboy.Cli;

static class DigestCommand
{
    public static Command Build()
    {
        var date = new Option<string?>("--date") { Description = "Send the digests of this day, YYYY-MM-DD (default: yesterday in PAPERBOY_TIMEZONE)" };
        var send = new Command("send", "Compose the due daily and weekly digests and deliver everything waiting in the outbox; safe to run twice or on two machines at once") { date };
        send.SetAction(async (result, ct) =>
        {
            DateOnly? day = null;
            if (result.GetValue(date) is { } text)
            {
                day = StoredTime.ParseDay(text) ?? throw new UsageException($"--date must be YYYY-MM-DD, got '{text}'.");
                if (!Papers.CatalogDates.Contains(day.Value)) throw new UsageException(Papers.CatalogDates.OutOfRange("--date", text));
            }
            var options = CliApp.Options(result);
            var database = Database.FromOptions(options);
            // The same registrations as serve, so every personal digest section (saved searches, recommendations) takes part.
            var services = new ServiceCollection()
                .AddSingleton(SettingsSetup.Environment())
                .AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).AddFilter((_, level) => level >= LogLevel.Error))
                .AddSingleton(options).AddSingleton(database).AddSingleton<PaperStore>()
                .AddSettings(Syndication.SiteUrl.Read).AddSingleton(TimeProvider.System)
                .AddPaperSearch().AddDigests().AddAlerts().AddRecommendations().AddClub().AddGroupDigest()
                // A running server owns the search index's writer; this process only reads what it committed.
                .AddSingleton(sp => new SearchIndex(database, options, sp.GetRequiredService<SearchSettings>(), sp.GetService<ILogger<SearchIndex>>()) { ReadOnly = true });
            await using var provider = services.BuildServiceProvider();
            provider.ValidateSettings();
            await database.MigrateAsync(ct);
            var report = await provider.GetRequiredService<DigestRun>().RunAsync(day, ct);

            foreach (var c in report.Composed)
            {
                var kind = c.Kind == DigestKind.Daily ? "daily" : "weekly";
                Console.WriteLine(c.Papers > 0 ? $"{kind} {c.Period}: {c.Papers} papers, {c.NewMessages} new messages"
                    : c.NewMessages > 0 ? $"{kind} {c.Period}: no community papers, {c.NewMessages} new messages with members' own sections"
                    : $"{kind} {c.Period}: no papers, nothing to compose");
            }
            if (report.Alerts > 0) Console.WriteLine($"alerts: {report.Alerts} new messages");
            var d = report.Delivery;
            if (!d.SmtpConfigured)
            {
                Console.WriteLine($"SMTP is not configured (set PAPERBOY_SMTP_HOST): {d.Pending} messages wait in the outbox");
                return ExitCodes.Ok;
            }
            Console.WriteLine(d.Failed == 0 ? $"sent {d.Sent}, {d.Pending} waiting" : $"sent {d.Sent}, failed {d.Failed} (retried with backoff), {d.Pending} waiting");
            if (d.Failed == 0) return ExitCodes.Ok;
            Console.Error.WriteLine($"paperboy: some messages were not sent: {d.LastError}");
            return d.Sent > 0 ? ExitCodes.Partial : ExitCodes.Failure;
        });
        var command = new Command("digest", "Email digests") { send };
        return command;
    }
}
