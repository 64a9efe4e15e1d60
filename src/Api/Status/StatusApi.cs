using ZeroLagHub.Api.Auth;

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

    private static async Task<IResult> Get(Guid id, CurrentUser user, StatusReader reader, CancellationToken ct) =>
        await reader.ReadAsync(id, user, ct) is { } status
            ? TypedResults.Ok(status)
            : TypedResults.Problem("no such container (or not yours)", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
