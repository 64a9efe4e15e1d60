using Npgsql;
using Xunit;

namespace ZeroLagHub.Testing;

/// <summary>
/// A fresh database for one test class (use as <c>IClassFixture</c>), so classes run in parallel
/// without seeing each other's rows. Dropped when the class is done.
/// </summary>
public class PostgresDatabase : IAsyncLifetime
{
    private string _admin = "";

    public string Name { get; } = $"zlh_test_{Guid.NewGuid():N}";
    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var endpoints = await TestServices.GetAsync();
        // Non-pooled: CREATE/DROP DATABASE must not find idle pooled sessions lingering in a template.
        _admin = new NpgsqlConnectionStringBuilder(endpoints.PostgresAdmin) { Pooling = false }.ConnectionString;
        await ExecuteAdmin($"CREATE DATABASE {Name}");
        AdminConnectionString = new NpgsqlConnectionStringBuilder(endpoints.PostgresAdmin) { Database = Name }.ConnectionString;
        ConnectionString = AdminConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        await OnCreatedAsync();
    }

    /// <summary>The superuser on this database (<see cref="ConnectionString"/> may be a lesser role: <see cref="ConnectAsAsync"/>).</summary>
    public string AdminConnectionString { get; private set; } = "";

    /// <summary>From now on <see cref="ConnectionString"/> and <see cref="DataSource"/> connect as this role (to this database).</summary>
    protected async Task ConnectAsAsync(string username, string password)
    {
        await DataSource.DisposeAsync();
        ConnectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Username = username, Password = password }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    /// <summary>Runs once after the database exists, e.g. to migrate a schema.</summary>
    protected virtual Task OnCreatedAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await ExecuteAdmin($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    /// <summary>Runs one statement on this database on a connection of its own (not the pool's).</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private async Task ExecuteAdmin(string sql)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
