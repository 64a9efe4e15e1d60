using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ZeroLagHub.Api.Storage;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Api.Storage.Bootstrap;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Api.Tests.Storage;

/// <summary>
/// The API's PostgreSQL role, as <see cref="DatabaseBootstrap"/> leaves it, on a real server: it owns the API's
/// schemas and nothing more. (That the API works as this role is what every other API test shows: their
/// databases are <see cref="ApiDatabase"/>s.)
/// </summary>
public sealed class DatabaseBootstrapTests(ApiDatabase database) : IClassFixture<ApiDatabase>
{
    private const string InsufficientPrivilege = "42501";

    [Fact]
    public async Task TheRoleIsNoSuperuserAndCannotCreateARoleOrADatabase()
    {
        await using var role = await OpenAsRoleAsync(database.ConnectionString);

        Assert.Equal("f f f", await ScalarAsync(role,
            "SELECT concat_ws(' ', rolsuper, rolcreaterole, rolcreatedb) FROM pg_roles WHERE rolname = current_user"));
        Assert.Equal(InsufficientPrivilege, (await FailsAsync(role, "CREATE ROLE zlh_intruder LOGIN PASSWORD 'x'")).SqlState);
        Assert.Equal(InsufficientPrivilege, (await FailsAsync(role, "CREATE DATABASE zlh_intruder")).SqlState);
    }

    [Fact]
    public async Task TheRoleCannotReadAnotherDatabase()
    {
        var other = new PostgresDatabase();
        await other.InitializeAsync();
        try
        {
            await other.ScalarAsync("CREATE TABLE secrets (value text); INSERT INTO secrets VALUES ('not yours')");
            var asRole = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = other.Name, Pooling = false };

            // Refused at connect or at the read, depending on the database's CONNECT grant; either way nothing is read.
            var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
            {
                await using var role = await OpenAsRoleAsync(asRole.ConnectionString);
                await ScalarAsync(role, "SELECT value FROM secrets");
            });
            Assert.Equal(InsufficientPrivilege, refused.SqlState);
        }
        finally
        {
            await other.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheRoleCannotDropOrCreateASchemaItDoesNotOwn()
    {
        await using (var admin = new NpgsqlConnection(database.AdminConnectionString))
        {
            await admin.OpenAsync();
            await ScalarAsync(admin, "CREATE SCHEMA IF NOT EXISTS operator_tools; CREATE TABLE IF NOT EXISTS operator_tools.notes (note text)");
        }
        await using var role = await OpenAsRoleAsync(database.ConnectionString);

        Assert.Equal(InsufficientPrivilege, (await FailsAsync(role, "DROP SCHEMA operator_tools CASCADE")).SqlState);
        Assert.Equal(InsufficientPrivilege, (await FailsAsync(role, "CREATE SCHEMA intruder")).SqlState);
        Assert.Equal(1L, await ScalarAsync(role, "SELECT count(*) FROM pg_namespace WHERE nspname = 'operator_tools'"));
        // Its own schemas it may change (that is what its migrations do): this throws if not.
        await ExecuteAsync(role, "CREATE TABLE zlh.bootstrap_probe (x int); DROP TABLE zlh.bootstrap_probe");
    }

    [Fact]
    public async Task TheRoleSeesWhatOtherRolesSessionsRun()
    {
        // The role reads other roles' sessions in pg_stat_activity (the poller listing, EnsureApiRole):
        // without pg_read_all_stats they show as "<insufficient privilege>".
        var marker = $"SELECT 'held by {Guid.NewGuid():N}'";
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.AdminConnectionString) { Pooling = false }.ConnectionString);
        await admin.OpenAsync();
        await ScalarAsync(admin, marker);
        await using var role = await OpenAsRoleAsync(database.ConnectionString);

        Assert.Equal(marker, await ScalarAsync(role, $"SELECT query FROM pg_stat_activity WHERE pid = {admin.ProcessID}"));
    }

    [Fact]
    public async Task ADatabaseTheApiMigratedAsTheSuperuserIsHandedOverWhole()
    {
        // Before the bootstrap the API migrated as postgres: every table, view and function was the superuser's.
        var old = new PostgresDatabase();
        await old.InitializeAsync();
        try
        {
            await new SchemaMigration(old.DataSource, MartenRegistration.CreateStore(old.DataSource), NullLogger<SchemaMigration>.Instance).StartAsync(CancellationToken.None);
            await old.ScalarAsync("CREATE TABLE public.read_model_g1 (id int); CREATE VIEW public.read_model AS SELECT * FROM public.read_model_g1");
            var api = new NpgsqlConnectionStringBuilder((await TestServices.GetAsync()).PostgresApi) { Database = old.Name, Pooling = false };

            await DatabaseBootstrap.RunAsync(old.AdminConnectionString, api.ConnectionString);
            await DatabaseBootstrap.RunAsync(old.AdminConnectionString, api.ConnectionString); // idempotent

            Assert.Equal(0L, await old.ScalarAsync($"""
                SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname IN ('es', 'zlh', 'public', '{MartenSchema.Name}') AND c.relkind IN ('r', 'v', 'S', 'm', 'p') AND c.relowner <> '{api.Username}'::regrole)
                     + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                         WHERE n.nspname IN ('es', 'zlh', 'public', '{MartenSchema.Name}') AND p.proowner <> '{api.Username}'::regrole)
                     + (SELECT count(*) FROM pg_namespace WHERE nspname IN ('es', 'zlh', 'public', '{MartenSchema.Name}') AND nspowner <> '{api.Username}'::regrole)
                """));
            await using var asRole = NpgsqlDataSource.Create(api.ConnectionString);
            await new SchemaMigration(asRole, MartenRegistration.CreateStore(asRole), NullLogger<SchemaMigration>.Instance).StartAsync(CancellationToken.None);
            await using var role = await asRole.OpenConnectionAsync();
            // A projection swap as the role (throws if the view or table were still the superuser's).
            await ExecuteAsync(role, "DROP VIEW public.read_model; CREATE VIEW public.read_model AS SELECT * FROM public.read_model_g1");
        }
        finally
        {
            await old.DisposeAsync();
        }
    }

    [Fact]
    public async Task BootstrapRefusesToTurnASuperuserIntoTheApisRole()
    {
        var admin = (await TestServices.GetAsync()).PostgresAdmin;
        var asSuperuser = new NpgsqlConnectionStringBuilder(admin) { Database = database.Name }.ConnectionString;

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => DatabaseBootstrap.RunAsync(admin, asSuperuser));

        Assert.Contains("superuser", refused.Message);
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        Assert.Equal(true, await ScalarAsync(connection, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
    }

    private static async Task<NpgsqlConnection> OpenAsRoleAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    private static Task<PostgresException> FailsAsync(NpgsqlConnection connection, string sql) =>
        Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, sql));
}
