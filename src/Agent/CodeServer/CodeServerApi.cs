using ZeroLagHub.Agent.Commands;

namespace ZeroLagHub.Agent.CodeServer;

/// <summary>
/// <c>POST /dev/codeserver/start|stop|restart</c> (commands: <c>Idempotency-Key</c> required) and
/// <c>GET /dev/codeserver</c> (running, pid, socket, and how the last one died if it did).
/// </summary>
public static class CodeServerApi
{
    public static IEndpointRouteBuilder MapCodeServerApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/dev/codeserver");
        group.MapGet("/", (CodeServerSupervisor supervisor) => TypedResults.Ok(supervisor.Current()));
        group.MapPost("/start", Start).AddEndpointFilter<IdempotentCommandFilter>();
        group.MapPost("/stop", Stop).AddEndpointFilter<IdempotentCommandFilter>();
        group.MapPost("/restart", Restart).AddEndpointFilter<IdempotentCommandFilter>();
        return routes;
    }

    // NOTE: IResult rather than Results<…>: IdempotentCommandFilter does not unwrap the Results<…> union.
    // Lifecycles run on the agent's lifetime, not the request's, so a client timing out does not leave half a start.
    private static async Task<IResult> Start(CodeServerSupervisor supervisor, IHostApplicationLifetime lifetime) =>
        Answer(await supervisor.StartAsync(lifetime.ApplicationStopping));

    private static async Task<IResult> Stop(CodeServerSupervisor supervisor, IHostApplicationLifetime lifetime) =>
        TypedResults.Ok(await supervisor.StopAsync(lifetime.ApplicationStopping));

    private static async Task<IResult> Restart(CodeServerSupervisor supervisor, IHostApplicationLifetime lifetime) =>
        Answer(await supervisor.RestartAsync(lifetime.ApplicationStopping));

    private static IResult Answer((Domain.Agent.CodeServerState? State, CodeServerFailure? Failure) outcome) =>
        outcome.Failure is { } f
            ? TypedResults.Problem(statusCode: f.StatusCode, title: "code-server not started", detail: f.Message,
                extensions: new Dictionary<string, object?> { ["error"] = f.Reason.ToString(), ["output"] = f.Output })
            : TypedResults.Ok(outcome.State!);
}
