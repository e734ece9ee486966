using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Operations;

/// <summary>The suite's record of the exceptions behind test sites' 500s (<see cref="UnhandledErrorLog"/>, printed by .ci/run).</summary>
[Trait("Engine", "independent")] // opens no database
public sealed class UnhandledErrorLogTests
{
    [Fact]
    public async Task AnExceptionNoHandlerCaughtIsKeptAndADeliberateErrorLogIsNot()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "unhandled.log");
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        UnhandledErrorLog.AddTo(builder.Logging, path);
        await using var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = http => { http.Response.StatusCode = 500; return Task.CompletedTask; } });
        app.MapGet("/broken", string () => throw new InvalidOperationException("the handler broke: 7f3a"));
        app.MapGet("/refused", (ILoggerFactory logs) =>
        {
            // What the sign-in handler logs for a tampered token: an error on purpose, answered properly.
            logs.CreateLogger("Microsoft.AspNetCore.Authentication.OpenIdConnect.OpenIdConnectHandler").LogError(new InvalidOperationException("tampered: 91c2"), "Exception occurred while processing message.");
            return Results.Forbid();
        });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

        Assert.Equal(HttpStatusCode.InternalServerError, (await http.GetAsync("/broken")).StatusCode);
        await http.GetAsync("/refused");
        await app.StopAsync();

        var log = await File.ReadAllTextAsync(path);
        Assert.Contains("Microsoft.AspNetCore.Diagnostics.", log, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: the handler broke: 7f3a", log, StringComparison.Ordinal);
        Assert.DoesNotContain("91c2", log, StringComparison.Ordinal);
    }
}
