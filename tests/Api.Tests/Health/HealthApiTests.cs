using System.Net;
using System.Net.Http.Json;
using Npgsql;
using ZeroLagHub.Api.Health;
using ZeroLagHub.Api.Storage.Schema;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Api.Tests.Health;

public sealed class HealthApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task HealthReportsTheMigratedSchemaVersion()
    {
        var response = await api.CreateClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<HealthApi.HealthReport>();
        Assert.Equal("ok", report!.Database);
        Assert.Equal(EventStoreSchema.LatestVersion, report.SchemaVersion);
        Assert.Equal(true, await api.Database.ScalarAsync("SELECT to_regclass('events.mt_events') IS NOT NULL"));
    }

    [Fact]
    public async Task AnUnknownRouteIsAProblemDocument()
    {
        // Authenticated: without a token every route, known or not, is a 401 (Auth/AuthenticationTests).
        var response = await api.CreateClientAs(Guid.NewGuid()).GetAsync("/nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary>Its own class: it drops the database under a running API.</summary>
public sealed class HealthWhenDatabaseIsGoneTests
{
    [Fact]
    public async Task HealthIs503WithAProblemDocumentWhenTheDatabaseIsGone()
    {
        var api = new ApiFixture();
        await ((IAsyncLifetime)api).InitializeAsync();
        try
        {
            await DropDatabaseUnder(api);
        }
        finally
        {
            await ((IAsyncLifetime)api).DisposeAsync();
        }
    }

    private static async Task DropDatabaseUnder(ApiFixture api)
    {
        var client = api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        var admin = new NpgsqlConnectionStringBuilder((await TestServices.GetAsync()).PostgresAdmin) { Pooling = false };
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE {api.Database.Name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        // Anonymous callers learn nothing of the database's host, port or name (issue 17, item 7).
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(api.Database.Name, body);
        Assert.Contains("traceId", body);

        // Any route failing on it is a 500 problem that names no exception, type or database, with the trace id for the log.
        var failed = await api.CreateClientAs(Guid.NewGuid()).GetAsync("/api/servers");
        var problem = await failed.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("application/problem+json", failed.Content.Headers.ContentType?.MediaType);
        foreach (var leak in new[] { api.Database.Name, "Npgsql", "Exception", "ZeroLagHub" }) Assert.DoesNotContain(leak, problem);
        Assert.Contains("traceId", problem);
    }
}
