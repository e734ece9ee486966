using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Paperboy.Groups;
using Paperboy.Members;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Cli;

/// <summary><c>paperboy groups create --slug S --name N</c> and <c>paperboy groups add --slug S --email E</c> (SPEC §10).</summary>
static class GroupsCommands
{
    public static Command Build()
    {
        var slug = new Option<string>("--slug") { Description = "The group's address: /groups/SLUG (a-z, 0-9, -)", Required = true };
        var name = new Option<string>("--name") { Description = "The group's name", Required = true };
        var create = new Command("create", "Create a group") { slug, name };
        create.SetAction(async (result, ct) =>
        {
            var database = await OpenAsync(result, ct);
            var (group, error) = await new GroupStore(database, TimeProvider.System).CreateAsync(result.GetValue(slug)!, result.GetValue(name)!, null, ct);
            if (group is null) throw new UsageException(error!);
            Console.WriteLine($"created group {group.Name} (/groups/{group.Slug})");
            return ExitCodes.Ok;
        });

        var addSlug = new Option<string>("--slug") { Description = "The group", Required = true };
        var email = new Option<string>("--email") { Description = "The member's email address", Required = true };
        var add = new Command("add", "Add a member to a group") { addSlug, email };
        add.SetAction(async (result, ct) =>
        {
            var database = await OpenAsync(result, ct);
            var members = new MemberStore(database, Config.SettingsSetup.FromEnvironment(CommunityOptions.Read), TimeProvider.System);
            var (message, error) = await GroupPages.AddMemberAsync(new GroupStore(database, TimeProvider.System), members, result.GetValue(addSlug)!, result.GetValue(email)!, ct);
            if (error is not null) throw new UsageException(error);
            Console.WriteLine(message);
            return ExitCodes.Ok;
        });
        return new Command("groups", "Manage groups") { create, add };
    }

    static async Task<Database> OpenAsync(ParseResult result, CancellationToken ct)
    {
        var database = Database.FromOptions(CliApp.Options(result));
        await database.MigrateAsync(ct);
        return database;
    }
}
