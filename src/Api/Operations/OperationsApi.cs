using Npgsql;
using ZeroLagHub.Api.Agents.Polling;
using ZeroLagHub.Api.Audit;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.ReadModels;
using ZeroLagHub.Api.Operations.DeadLetters;

namespace ZeroLagHub.Api.Operations;

/// <summary>
/// <c>/api/admin</c> for operators: projection status (position, lag, what holds it back), rebuild
/// with progress, retry or skip past a faulted one, the dead letters of Wolverine's durable queues (list, replay under
/// the same id, discard), and the agents by poller node (every node's, from any node). Every action is
/// recorded in the command log (<see cref="AuditTrail"/>).
/// </summary>
public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Operations").RequireAuthorization(AuthPolicies.Admin);
        group.MapGet("/projections", async (ReadModelAdmin admin, CancellationToken ct) => TypedResults.Ok(await admin.StatusAsync(ct)));
        group.MapGet("/projections/{name}", Projection);
        group.MapPost("/projections/{name}/rebuild", Rebuild).Audited(AuditTrail.Actions.RebuildProjection, ProjectionTarget);
        group.MapPost("/projections/{name}/retry", Retry).Audited(AuditTrail.Actions.RetryProjection, ProjectionTarget);
        group.MapPost("/projections/{name}/skip", Skip).Audited(AuditTrail.Actions.SkipProjectionEvent, ProjectionTarget);
        group.MapGet("/deadletters", DeadLetters);
        group.MapPost("/deadletters/{id:guid}/replay", Replay).Audited(AuditTrail.Actions.ReplayDeadLetter, DeadLetterTarget);
        group.MapDelete("/deadletters/{id:guid}", Discard).Audited(AuditTrail.Actions.DiscardDeadLetter, DeadLetterTarget);
        group.MapGet("/pollers", async (NpgsqlDataSource db, CancellationToken ct) => TypedResults.Ok(await ListPollerNodes.ExecuteAsync(db, ct)));
        return app;
    }

    private static async Task<IResult> Projection(string name, ReadModelAdmin admin, CancellationToken ct) =>
        admin.Exists(name) ? TypedResults.Ok(await admin.StatusAsync(name, ct)) : NoProjection(name, admin);

    private static async Task<IResult> Rebuild(string name, CurrentUser user, ReadModelAdmin admin, CancellationToken ct)
    {
        if (!admin.Exists(name)) return NoProjection(name, admin);
        var generation = await admin.RebuildAsync(name, user.Username, ct);
        return TypedResults.Accepted($"/api/admin/projections/{name}", new { projection = name, generation });
    }

    private static async Task<IResult> Retry(string name, ReadModelAdmin admin, CancellationToken ct)
    {
        if (!admin.Exists(name)) return NoProjection(name, admin);
        return await admin.RetryAsync(name, ct)
            ? TypedResults.Accepted($"/api/admin/projections/{name}", new { projection = name, resumed = true })
            : NotFaulted(name, "retry");
    }

    /// <summary>The body of a skip: why the read model may lack that event's effect (kept with the skip).</summary>
    public sealed record SkipRequest(string? Reason);

    private static async Task<IResult> Skip(string name, SkipRequest body, ReadModelAdmin admin, CancellationToken ct)
    {
        if (!admin.Exists(name)) return NoProjection(name, admin);
        if (string.IsNullOrWhiteSpace(body.Reason))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["say why the event may be skipped; it is recorded with the skip"] });
        try
        {
            return await admin.SkipAsync(name, ct) is { } skipped
                ? TypedResults.Ok(new { projection = name, skipped = new { skipped.StreamId, skipped.Version, skipped.Type } })
                : NotFaulted(name, "skip");
        }
        catch (ProgressMovedException)
        {
            return Problem(StatusCodes.Status409Conflict, $"projection '{name}' moved on meanwhile (retried or skipped by someone else); look at it again");
        }
    }

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

    private static async Task<IResult> Replay(Guid id, DeadLetterStore deadLetters, CancellationToken ct) =>
        await deadLetters.ReplayAsync(id, ct)
            ? TypedResults.Accepted((string?)null, new { id, replayed = true })
            : NoDeadLetter(id);

    private static async Task<IResult> Discard(Guid id, DeadLetterStore deadLetters, CancellationToken ct) =>
        await deadLetters.DiscardAsync(id, ct) ? TypedResults.NoContent() : NoDeadLetter(id);

    private static string ProjectionTarget(EndpointFilterInvocationContext context) => $"projection {context.Route("name")}";

    private static string DeadLetterTarget(EndpointFilterInvocationContext context) => $"dead letter {context.Route("id")}";

    private static IResult NotFaulted(string name, string action) =>
        Problem(StatusCodes.Status409Conflict, $"projection '{name}' is not faulted: nothing to {action}");

    private static IResult NoProjection(string name, ReadModelAdmin admin) => Problem(StatusCodes.Status404NotFound,
        $"no projection '{name}'; there are: {string.Join(", ", admin.Names)}");

    private static IResult NoDeadLetter(Guid id) =>
        Problem(StatusCodes.Status404NotFound, $"no dead letter {id} (already replayed or discarded?)");

    private static IResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status);
}
