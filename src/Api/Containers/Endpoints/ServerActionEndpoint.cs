using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using ZeroLagHub.Api.Http;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Containers.Endpoints;

/// <summary><c>POST /api/servers/{id}/server/start|stop|restart|kill</c>: the game server's process; 404; 409 (a dev container has none).</summary>
public static class ServerActionEndpoint
{
    public static void Configure(HttpChain chain) =>
        ContainerCommandEndpoint.Keyed(chain, http => Command(ContainerCommandEndpoint.Action(http), Guid.Empty).GetType());

    [WolverinePost("/api/servers/{id:guid}/server/{action:regex(^(start|stop|restart|kill)$)}"), Tags("Containers")]
    [ProducesResponseType<CommandAccepted>(StatusCodes.Status202Accepted)]
    [ProducesProblem(404), ProducesProblem(409), ProducesProblem(422)]
    public static Task<IResult> Post(Guid id, string action, HttpContext http, IMessageBus bus, CancellationToken ct) =>
        ContainerCommandEndpoint.SendAsync(id, Command(action, ContainerCommandEndpoint.CommandId(http)), http, bus, ct);

    private static ContainerCommand Command(string action, Guid commandId) => action.ToLowerInvariant() switch
    {
        "start" => new StartServer(commandId),
        "stop" => new StopServer(commandId),
        "restart" => new RestartServer(commandId),
        _ => new KillServer(commandId),
    };
}
