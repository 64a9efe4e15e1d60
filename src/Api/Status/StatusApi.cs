using Npgsql;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Containers;

namespace ZeroLagHub.Api.Status;

/// <summary><c>GET /api/servers/{id}/status</c>: the live status document (see <see cref="StatusReader"/>); another user's container is a 404.</summary>
public static class StatusApi
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/servers/{id:guid}/status", Get).WithTags("Containers")
            .Produces<StatusDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> Get(Guid id, CurrentUser user, NpgsqlDataSource db, StatusReader reader, CancellationToken ct)
    {
        // Ownership first, from the inline directory: nothing about another user's container leaks, not even staleness.
        var container = await ContainerAccess.FindAsync(db, id, ct);
        if (container is null || !user.CanAccess(container.Owner))
            return TypedResults.Problem("no such container (or not yours)", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        return TypedResults.Ok(await reader.ReadAsync(container, ct));
    }
}
