using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Paperboy.Members;
using Paperboy.Storage;
using Paperboy.Web;

namespace Paperboy.Cli;

/// <summary><c>paperboy users create|set-password|confirm</c> and <c>paperboy tokens create</c> (SPEC §3): accounts and API tokens from the shell.</summary>
static class MembersCommands
{
    public static Command Users()
    {
        var email = new Option<string>("--email") { Description = "The member's email address", Required = true };
        var password = new Option<string?>("--password") { Description = "Their password (omit to generate one, printed once)" };
        var name = new Option<string?>("--name") { Description = "Public name shown on comments (default: from the email)" };
        var admin = new Option<bool>("--admin") { Description = "Make them an admin (only the first admin can be created this way)" };
        var create = new Command("create", "Create a member") { email, password, name, admin };
        create.SetAction(async (result, ct) =>
        {
            var given = result.GetValue(password);
            var secret = given ?? MemberStore.GeneratePassword();
            var members = await OpenAsync(result, ct);
            var (user, error) = await members.CreateAsync(result.GetValue(email)!, result.GetValue(name), secret, result.GetValue(admin), ct);
            if (user is null) throw new UsageException(error!);
            // The operator on the server vouches for the address they typed (docs/SECURITY.md, "Email verification").
            await members.MarkEmailVerifiedAsync(user.Id, user.Email, ct);
            if (result.GetValue(admin) && !user.IsAdmin)
                Console.Error.WriteLine("paperboy: an admin already exists; created a regular member (an admin can promote them).");
            Console.WriteLine($"created member {user.Name} <{user.Email}>{(user.IsAdmin ? " (admin)" : "")}");
            if (given is null) Console.WriteLine($"password: {secret}");
            return ExitCodes.Ok;
        });

        var resetEmail = new Option<string>("--email") { Description = "The member's email address", Required = true };
        var resetPassword = new Option<string?>("--password") { Description = "The new password (omit to generate one, printed once)" };
        var reset = new Command("set-password", "Set a member's password (signs out their sessions); how an admin resets a forgotten one") { resetEmail, resetPassword };
        reset.SetAction(async (result, ct) =>
        {
            var secret = result.GetValue(resetPassword) ?? MemberStore.GeneratePassword();
            var members = await OpenAsync(result, ct);
            var user = await members.FindByEmailAsync(result.GetValue(resetEmail)!, ct) ?? throw new UsageException("no member has that email");
            if (MemberStore.CheckPassword(secret, user.Email, user.Name) is { } error) throw new UsageException(error);
            await members.SetPasswordAsync(user, secret, ct);
            Console.WriteLine($"password set for {user.Name}");
            if (result.GetValue(resetPassword) is null) Console.WriteLine($"password: {secret}");
            return ExitCodes.Ok;
        });
        // An account made before email confirmation existed, or on a site without mail, has no way to confirm its
        // address from the site; the operator who knows the person vouches for it here, as `users create` does.
        var confirmEmail = new Option<string>("--email") { Description = "The member's email address", Required = true };
        var confirm = new Command("confirm", "Mark a member's email address as confirmed (they then see private papers)") { confirmEmail };
        confirm.SetAction(async (result, ct) =>
        {
            var members = await OpenAsync(result, ct);
            var user = await members.FindByEmailAsync(result.GetValue(confirmEmail)!, ct) ?? throw new UsageException("no member has that email");
            var already = user.EmailVerified;
            if (!already && !await members.MarkEmailVerifiedAsync(user.Id, user.Email, ct))
                throw new UsageException("that address changed meanwhile; run the command again");
            Console.WriteLine(already ? $"{user.Name} <{user.Email}> was already confirmed" : $"confirmed {user.Name} <{user.Email}>");
            return ExitCodes.Ok;
        });
        return new Command("users", "Manage members") { create, reset, confirm };
    }

    public static Command Tokens()
    {
        var email = new Option<string>("--email") { Description = "The member the token acts as", Required = true };
        var name = new Option<string?>("--name") { Description = "A label to recognise the token by in /settings" };
        var create = new Command("create", "Create an API token; it is printed once, alone on its line") { email, name };
        create.SetAction(async (result, ct) =>
        {
            var members = await OpenAsync(result, ct);
            var user = await members.FindByEmailAsync(result.GetValue(email)!, ct) ?? throw new UsageException("no member has that email");
            var token = await members.CreateTokenAsync(user, result.GetValue(name) ?? "command line", ct);
            Console.WriteLine(token);
            return ExitCodes.Ok;
        });
        return new Command("tokens", "Manage API tokens") { create };
    }

    static async Task<MemberStore> OpenAsync(ParseResult result, CancellationToken ct)
    {
        var database = Database.FromOptions(CliApp.Options(result));
        await database.MigrateAsync(ct);
        return new MemberStore(database, Config.SettingsSetup.FromEnvironment(CommunityOptions.Read), TimeProvider.System);
    }
}
