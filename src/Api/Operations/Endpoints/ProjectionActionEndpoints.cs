using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;
using ZeroLagHub.Api.Audit;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Http;
using ZeroLagHub.Api.ReadModels;

namespace ZeroLagHub.Api.Operations.Endpoints;

/// <summary>
/// <c>POST /api/admin/projections/{name}/rebuild</c> (admin): 202, the rebuild runs in the background (follow it at
/// <c>GET /api/admin/projections/{name}</c>); 404 no such projection. Audited.
/// </summary>
public static class RebuildProjectionEndpoint
{
    [WolverinePost("/api/admin/projections/{name}/rebuild"), Tags("Operations"), Authorize(Policy = AuthPolicies.Admin)]
    [ProducesResponseType(StatusCodes.Status202Accepted), ProducesProblem(404)]
    public static async Task<IResult> Post(string name, HttpContext context, ReadModelAdmin admin, CancellationToken ct) =>
        await AuditedEndpoints.RecordAsync(context, AuditTrail.Actions.RebuildProjection, ProjectionProblems.Target(name), await RebuildAsync(name, context, admin, ct));

    private static async Task<IResult> RebuildAsync(string name, HttpContext context, ReadModelAdmin admin, CancellationToken ct)
    {
        if (!admin.Exists(name)) return ProjectionProblems.NoProjection(name, admin);
        var generation = await admin.RebuildAsync(name, CurrentUser.Of(context).Username, ct);
        return TypedResults.Accepted($"/api/admin/projections/{name}", new { projection = name, generation });
    }
}

/// <summary><c>POST /api/admin/projections/{name}/retry</c> (admin): resume a faulted projection at its failed event; 202; 404; 409 not faulted. Audited.</summary>
public static class RetryProjectionEndpoint
{
    [WolverinePost("/api/admin/projections/{name}/retry"), Tags("Operations"), Authorize(Policy = AuthPolicies.Admin)]
    [ProducesResponseType(StatusCodes.Status202Accepted), ProducesProblem(404), ProducesProblem(409)]
    public static async Task<IResult> Post(string name, HttpContext context, ReadModelAdmin admin, CancellationToken ct) =>
        await AuditedEndpoints.RecordAsync(context, AuditTrail.Actions.RetryProjection, ProjectionProblems.Target(name), await RetryAsync(name, admin, ct));

    private static async Task<IResult> RetryAsync(string name, ReadModelAdmin admin, CancellationToken ct)
    {
        if (!admin.Exists(name)) return ProjectionProblems.NoProjection(name, admin);
        return await admin.RetryAsync(name, ct)
            ? TypedResults.Accepted($"/api/admin/projections/{name}", new { projection = name, resumed = true })
            : ProjectionProblems.NotFaulted(name, "retry");
    }
}

/// <summary>
/// <c>POST /api/admin/projections/{name}/skip</c> {reason} (admin): skip a faulted projection's failed event, recorded with
/// the reason; 200 the event skipped; 400 no reason; 404; 409 not faulted, or moved on meanwhile. Audited.
/// </summary>
public static class SkipProjectionEventEndpoint
{
    /// <summary>The body of a skip: why the read model may lack that event's effect (kept with the skip).</summary>
    public sealed record SkipRequest(string? Reason);

    public static void Configure(HttpChain chain) => chain.Metadata.Accepts<SkipRequest>("application/json");

    [WolverinePost("/api/admin/projections/{name}/skip"), Tags("Operations"), Authorize(Policy = AuthPolicies.Admin)]
    [ProducesResponseType(StatusCodes.Status200OK), ProducesProblem(400), ProducesProblem(404), ProducesProblem(409)]
    public static async Task<IResult> Post(string name, HttpContext context, ReadModelAdmin admin, CancellationToken ct)
    {
        var body = await JsonRequestBody.ReadRequiredAsync<SkipRequest>(context);
        return await AuditedEndpoints.RecordAsync(context, AuditTrail.Actions.SkipProjectionEvent, ProjectionProblems.Target(name),
            await SkipAsync(name, body, admin, ct));
    }

    private static async Task<IResult> SkipAsync(string name, SkipRequest body, ReadModelAdmin admin, CancellationToken ct)
    {
        if (!admin.Exists(name)) return ProjectionProblems.NoProjection(name, admin);
        if (string.IsNullOrWhiteSpace(body.Reason))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["say why the event may be skipped; it is recorded with the skip"] });
        try
        {
            return await admin.SkipAsync(name, ct) is { } skipped
                ? TypedResults.Ok(new { projection = name, skipped = new { skipped.StreamId, skipped.Version, skipped.Type } })
                : ProjectionProblems.NotFaulted(name, "skip");
        }
        catch (ProgressMovedException)
        {
            return TypedResults.Problem($"projection '{name}' moved on meanwhile (retried or skipped by someone else); look at it again",
                statusCode: StatusCodes.Status409Conflict);
        }
    }
}
