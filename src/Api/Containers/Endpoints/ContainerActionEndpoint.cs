using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using ZeroLagHub.Api.Http;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Containers.Endpoints;

/// <summary><c>POST /api/servers/{id}/stop|start|reprovision</c>: 202; 404 no such container; 409 when its state forbids it.</summary>
public static class ContainerActionEndpoint
{
    public static void Configure(HttpChain chain) =>
        ContainerCommandEndpoint.Keyed(chain, http => Command(ContainerCommandEndpoint.Action(http), Guid.Empty).GetType());

    [WolverinePost("/api/servers/{id:guid}/{action:regex(^(stop|start|reprovision)$)}"), Tags("Containers")]
    [ProducesResponseType<CommandAccepted>(StatusCodes.Status202Accepted)]
    [ProducesProblem(404), ProducesProblem(409), ProducesProblem(422)]
    public static Task<IResult> Post(Guid id, string action, HttpContext http, IMessageBus bus, CancellationToken ct) =>
        ContainerCommandEndpoint.SendAsync(id, Command(action, ContainerCommandEndpoint.CommandId(http)), http, bus, ct);

    private static ContainerCommand Command(string action, Guid commandId) => action.ToLowerInvariant() switch
    {
        "stop" => new StopContainer(commandId),
        "start" => new StartContainer(commandId),
        _ => new Reprovision(commandId, CommandResults.Derive(commandId, "deployment")),
    };
}
