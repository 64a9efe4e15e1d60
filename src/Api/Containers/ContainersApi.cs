using ZeroLagHub.Api.Auth;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Api.Containers;

/// <summary>
/// <c>/api/servers</c>, the queries: every container of the caller (dev or game), or one; another user's container
/// is a 404. The commands on them are Wolverine.Http endpoints (Containers/Endpoints).
/// </summary>
public static class ContainersApi
{
    public static IEndpointRouteBuilder MapContainersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/servers").WithTags("Containers");
        group.MapGet("", List).Produces<ContainerView[]>().ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{id:guid}", Get).Produces<ContainerView>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> List(CurrentUser user, ContainerQueries queries, CancellationToken ct, bool deleted = false) =>
        TypedResults.Ok((await queries.ListAsync(user, deleted, ct)).Select(ContainerView.From));

    private static async Task<IResult> Get(Guid id, CurrentUser user, IEventStore store, CancellationToken ct)
    {
        var container = await store.AggregateStreamAsync(Container.StreamId(id), ContainerState.Initial, Container.Evolve, ct: ct);
        return container.State.Exists && user.CanAccess(Guid.TryParse(container.State.Owner, out var owner) ? owner : Guid.Empty)
            ? TypedResults.Ok(ContainerView.From(container.State))
            : TypedResults.Problem("no such container (or not yours)", statusCode: StatusCodes.Status404NotFound, title: "Not found");
    }
}
