using Npgsql;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Auth.Accounts;
using ZeroLagHub.Projections.Deployments;

namespace ZeroLagHub.Api.Deployments;

/// <summary><c>/api/deployments</c>: the deployment history projection (eventually consistent: the daemon is about a second behind).</summary>
public static class DeploymentsApi
{
    private static readonly string[] States = ["queued", "running", "succeeded", "failed", "cancelled"];

    public static IEndpointRouteBuilder MapDeploymentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/deployments").WithTags("Deployments");
        group.MapGet("", List).Produces<DeploymentPage>().ProducesValidationProblem();
        group.MapGet("/{id:guid}", Get).Produces<DeploymentHistoryRow>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> List(CurrentUser user, DeploymentQueries queries, NpgsqlDataSource db, CancellationToken ct,
        Guid? container = null, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "user")] string? requestedBy = null, string? state = null, DateTimeOffset? since = null, DateTimeOffset? until = null,
        DateTimeOffset? before = null, int limit = 50)
    {
        var errors = new Dictionary<string, string[]>();
        if (state is not null && !States.Contains(state)) errors["state"] = [$"one of {string.Join(", ", States)}"];
        if (limit is < 1 or > 500) errors["limit"] = ["between 1 and 500"];
        if (since > until) errors["since"] = ["must not be after until"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var rows = await queries.ListAsync(user, new DeploymentFilter(container, requestedBy, state, since, until, before, limit), ct);
        // Who asked, by name: tables show people, not ids.
        var users = await FindUserNames.ExecuteAsync(db, [.. rows.Select(r => Guid.TryParse(r.RequestedBy, out var id) ? id : (Guid?)null).OfType<Guid>().Distinct()], ct);
        return TypedResults.Ok(new DeploymentPage(rows, rows.Count == limit ? rows[^1].QueuedAt : null, users));
    }

    private static async Task<IResult> Get(Guid id, CurrentUser user, DeploymentQueries queries, CancellationToken ct) =>
        await queries.GetAsync(user, id, ct) is { } row
            ? TypedResults.Ok(row)
            : TypedResults.Problem("no such deployment (or not yours)", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
