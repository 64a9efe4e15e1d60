using ZeroLagHub.Agent.Commands;

namespace ZeroLagHub.Agent.Server;

/// <summary><c>POST /server/{action}</c> (start, stop, restart, kill): a command (<c>Idempotency-Key</c> required, repeats answered with the first result).</summary>
public static class ServerApi
{
    public static IEndpointRouteBuilder MapServerApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/server/{action}", Power).AddEndpointFilter<IdempotentCommandFilter>();
        return routes;
    }

    // NOTE: IResult, not Results<…>: IdempotentCommandFilter records a result's status and value.
    // The action runs on the supervisor, not the request: a client that gives up does not half-stop a server.
    private static async Task<IResult> Power(string action, ServerSupervisor supervisor)
    {
        if (!Enum.TryParse<PowerAction>(action, ignoreCase: true, out var power) || !Enum.IsDefined(power) || char.IsDigit(action[0]))
            return TypedResults.Problem(statusCode: 400, title: "Unknown power action",
                detail: $"'{action}' is not a power action: use start, stop, restart or kill");
        var (result, failure) = await supervisor.PowerAsync(power);
        return failure is null
            ? TypedResults.Ok(result!)
            : TypedResults.Problem(statusCode: failure.StatusCode, title: failure.Reason switch
            {
                PowerRejection.Busy => "Another power action is in progress",
                PowerRejection.NoServerSpec => "No server provisioned",
                PowerRejection.NotAGameServer => "Not a game server",
                _ => "The server could not be started",
            }, detail: failure.Message, extensions: new Dictionary<string, object?> { ["error"] = failure.Reason.ToString() });
    }
}
