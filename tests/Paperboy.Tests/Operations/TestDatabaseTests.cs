using Dapper;
using Npgsql;
using Paperboy.Tests.Infrastructure;

namespace Paperboy.Tests.Operations;

/// <summary>The suite's own PostgreSQL hygiene: a CI run starts hundreds of sites on one server.</summary>
[Trait("Engine", "independent")] // names its engine: runs on the first pass only (.ci/run)
public sealed class TestDatabaseTests
{
    [Fact]
    public async Task AFinishedTestLeavesNoConnectionToItsDatabase()
    {
        string name;
        // The database is dropped in the background, which ends its connections too: held off here.
        using var held = TestPostgres.HoldDrops();
        await using (var app = await TestInstance.StartOnAsync("postgres", SharedData.Path("hf-daily-papers", "2025-11-20.json")))
        {
            name = new NpgsqlConnectionStringBuilder(app.Options.DatabaseUrl).Database!;
            Assert.Equal(System.Net.HttpStatusCode.OK, (await app.Client.GetAsync("/")).StatusCode);
            // A second pool on the same database, as tests that open TestEngine.Database make.
            await using (var c = await TestEngine.Database(app.DataDir).OpenAsync())
                Assert.True(await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM papers") > 0);
            Assert.True(TestPostgres.ConnectionsTo(name) > 0, "the pools should hold idle connections while the site runs");
        }
        // The drop waits in a queue behind other tests' drops; the connections must be gone now, or a
        // few minutes of tests exhaust the server's max_connections.
        Assert.Equal(0, TestPostgres.ConnectionsTo(name));
    }
}
