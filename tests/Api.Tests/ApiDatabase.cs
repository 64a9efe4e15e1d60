using Npgsql;
using ZeroLagHub.Api.Storage.Bootstrap;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Api.Tests;

/// <summary>
/// A per-class database set up as an operator's is: <see cref="DatabaseBootstrap"/> run with the superuser for
/// the API's role (services.sh's <c>zlh_api</c>, one role for the whole run), after which
/// <see cref="PostgresDatabase.ConnectionString"/> and <see cref="PostgresDatabase.DataSource"/> are that role's.
/// So the API under test, and the tests' own SQL beside it, run without superuser rights.
/// </summary>
public sealed class ApiDatabase : PostgresDatabase
{
    protected override async Task OnCreatedAsync()
    {
        var endpoints = await TestServices.GetAsync();
        var api = new NpgsqlConnectionStringBuilder(endpoints.PostgresApi) { Database = Name };
        await DatabaseBootstrap.RunAsync(endpoints.PostgresAdmin, api.ConnectionString);
        await ConnectAsAsync(api.Username!, api.Password!);
    }
}
