using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ZeroLagHub.Api.Health;

/// <summary>
/// Liveness and readiness for load balancers and operators. The one unauthenticated endpoint: it says
/// whether the API can reach its database, and nothing about any container.
/// </summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", GetHealth).AllowAnonymous();
        return routes;
    }

    public sealed record HealthReport(string Status, string Database, int SchemaVersion, DateTimeOffset Time);

    private static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> GetHealth(
        NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT coalesce(max(version), 0) FROM es.schema_version");
            var version = (int)(await command.ExecuteScalarAsync(ct))!;
            return TypedResults.Ok(new HealthReport("ok", "ok", version, clock.GetUtcNow()));
        }
        catch (NpgsqlException e)
        {
            return TypedResults.Problem(title: "Database unreachable", detail: e.Message,
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
