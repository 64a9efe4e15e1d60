using Npgsql;
using ZeroLagHub.Api.Agents.Polling;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.ReadModels;
using ZeroLagHub.Api.Operations.DeadLetters;

namespace ZeroLagHub.Api.Operations;

/// <summary>
/// <c>/api/admin</c> for operators, the queries: projection status (position, lag, what holds it back), the dead
/// letters of Wolverine's durable queues, and the agents by poller node (every node's, from any node). The actions
/// (rebuild, retry or skip past a faulted projection; replay or discard a dead letter) are Wolverine.Http endpoints
/// (Operations/Endpoints), each recorded in the command log.
/// </summary>
public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Operations").RequireAuthorization(AuthPolicies.Admin);
        group.MapGet("/projections", async (ReadModelAdmin admin, CancellationToken ct) => TypedResults.Ok(await admin.StatusAsync(ct)));
        group.MapGet("/projections/{name}", Projection);
        group.MapGet("/deadletters", DeadLetters);
        group.MapGet("/pollers", async (NpgsqlDataSource db, CancellationToken ct) => TypedResults.Ok(await ListPollerNodes.ExecuteAsync(db, ct)));
        return app;
    }

    private static async Task<IResult> Projection(string name, ReadModelAdmin admin, CancellationToken ct) =>
        admin.Exists(name) ? TypedResults.Ok(await admin.StatusAsync(name, ct)) : ProjectionProblems.NoProjection(name, admin);

    private static async Task<IResult> DeadLetters(string? type, string? after, int? limit, DeadLetterStore deadLetters, CancellationToken ct)
    {
        var size = limit ?? 100;
        if (size is < 1 or > 1000) return Problem(StatusCodes.Status400BadRequest, $"limit={size} must be from 1 to 1000");
        DeadLetter? from = null;
        if (!string.IsNullOrEmpty(after) && (from = DeadLetterCursor.Parse(after)) is null)
            return Problem(StatusCodes.Status400BadRequest, $"after='{after}' is not a cursor: pass the previous page's next value");
        var items = await deadLetters.ListAsync(string.IsNullOrEmpty(type) ? null : type, from, size, ct);
        return TypedResults.Ok(new DeadLetterPage(items, items.Count == size ? DeadLetterCursor.From(items[^1]) : null));
    }

    private static IResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status);
}
