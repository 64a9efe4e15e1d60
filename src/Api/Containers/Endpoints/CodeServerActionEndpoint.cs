using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using ZeroLagHub.Api.Http;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Containers.Endpoints;

/// <summary><c>POST /api/servers/{id}/code-server/start|stop|restart</c>: the dev container's IDE; 404; 409 (a game server has none).</summary>
public static class CodeServerActionEndpoint
{
    public static void Configure(HttpChain chain) =>
        ContainerCommandEndpoint.Keyed(chain, http => Command(ContainerCommandEndpoint.Action(http), Guid.Empty).GetType());

    [WolverinePost("/api/servers/{id:guid}/code-server/{action:regex(^(start|stop|restart)$)}"), Tags("Containers")]
    [ProducesResponseType<CommandAccepted>(StatusCodes.Status202Accepted)]
    [ProducesProblem(404), ProducesProblem(409), ProducesProblem(422)]
    public static Task<IResult> Post(Guid id, string action, HttpContext http, IMessageBus bus, CancellationToken ct) =>
        ContainerCommandEndpoint.SendAsync(id, Command(action, ContainerCommandEndpoint.CommandId(http)), http, bus, ct);

    private static ContainerCommand Command(string action, Guid commandId) => action.ToLowerInvariant() switch
    {
        "start" => new StartCodeServer(commandId),
        "stop" => new StopCodeServer(commandId),
        _ => new RestartCodeServer(commandId),
    };
}
