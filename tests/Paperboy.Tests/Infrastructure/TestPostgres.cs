using Npgsql;

namespace Paperboy.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server that <c>.ci/run</c> starts on 127.0.0.1. Each test instance gets a
/// database of its own, dropped afterwards. <c>PAPERBOY_TEST_POSTGRES</c> overrides the admin
/// connection string.
/// </summary>
public static class TestPostgres
{
    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("PAPERBOY_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=paperboy;Password=paperboy;Database=postgres;Timeout=5";

    public static string CreateDatabase(string name)
    {
        try
        {
            using var connection = new NpgsqlConnection(AdminConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException(
                "PostgreSQL tests need a server on 127.0.0.1:5432 with role paperboy/paperboy: run `bash .ci/run`, " +
                "which installs and starts it (or set PAPERBOY_TEST_POSTGRES). " + ex.Message, ex);
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public static void DropDatabase(string name)
    {
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        command.ExecuteNonQuery();
    }
}
