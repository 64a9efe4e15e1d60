using System.Net;
using Alba;
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
        var response = await api.Scenario(x => x.Get.Url("/health"));
        var report = await response.ReadAsJsonAsync<HealthApi.HealthReport>();
        Assert.Equal("ok", report.Database);
        Assert.Equal(EventStoreSchema.LatestVersion, report.SchemaVersion);
        Assert.Equal(true, await api.Database.ScalarAsync("SELECT to_regclass('events.mt_events') IS NOT NULL"));
    }

    [Fact]
    public async Task AnUnknownRouteIsAProblemDocument()
    {
        // Authenticated: without a token every route, known or not, is a 401 (Auth/AuthenticationTests).
        await api.ScenarioAs(Guid.NewGuid(), x =>
        {
            x.Get.Url("/nope");
            x.ProblemShouldBe(HttpStatusCode.NotFound);
        });
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
        await api.Scenario(x => x.Get.Url("/health"));

        var admin = new NpgsqlConnectionStringBuilder((await TestServices.GetAsync()).PostgresAdmin) { Pooling = false };
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE {api.Database.Name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        var response = await api.Scenario(x =>
        {
            x.Get.Url("/health");
            x.ProblemShouldBe(HttpStatusCode.ServiceUnavailable);
        });
        // Anonymous callers learn nothing of the database's host, port or name (issue 17, item 7).
        var body = await response.ReadAsTextAsync();
        Assert.DoesNotContain(api.Database.Name, body);
        Assert.Contains("traceId", body);

        // Any route failing on it is a 500 problem that names no exception, type or database, with the trace id for the log.
        var failed = await api.ScenarioAs(Guid.NewGuid(), x =>
        {
            x.Get.Url("/api/servers");
            x.ProblemShouldBe(HttpStatusCode.InternalServerError);
        });
        var problem = await failed.ReadAsTextAsync();
        foreach (var leak in new[] { api.Database.Name, "Npgsql", "Exception", "ZeroLagHub" }) Assert.DoesNotContain(leak, problem);
        Assert.Contains("traceId", problem);
    }
}
