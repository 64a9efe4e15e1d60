using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ZeroLagHub.Api.Health;

/// <summary>
/// Liveness and readiness for load balancers and operators. The one unauthenticated endpoint: it says
/// whether the API can reach its database, and nothing about any container.
/// </summary>
public static partial class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", GetHealth).AllowAnonymous();
        return routes;
    }

    public sealed record HealthReport(string Status, string Database, int SchemaVersion, DateTimeOffset Time);

    private static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> GetHealth(
        NpgsqlDataSource dataSource, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        var logger = logs.CreateLogger(typeof(HealthApi));
        try
        {
            await using var command = dataSource.CreateCommand("SELECT coalesce(max(version), 0) FROM es.schema_version");
            var version = (int)(await command.ExecuteScalarAsync(ct))!;
            return TypedResults.Ok(new HealthReport("ok", "ok", version, clock.GetUtcNow()));
        }
        catch (NpgsqlException e)
        {
            // Anonymous: the driver's message (host, port, database name) goes to the log under the trace id only.
            LogUnreachable(logger, e, System.Diagnostics.Activity.Current?.Id ?? "");
            return TypedResults.Problem(title: "Database unreachable", detail: "the API cannot reach its database; the log says why",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    [LoggerMessage(EventId = 710, Level = LogLevel.Warning, Message = "Health: the database is unreachable (trace {TraceId})")]
    private static partial void LogUnreachable(ILogger logger, Exception error, string traceId);
}
