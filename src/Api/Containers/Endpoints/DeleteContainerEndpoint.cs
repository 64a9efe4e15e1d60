using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using ZeroLagHub.Api.Http;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Containers.Endpoints;

/// <summary><c>DELETE /api/servers/{id}</c>: 202 (also when already deleted); 404 no such container (or not yours).</summary>
public static class DeleteContainerEndpoint
{
    public static void Configure(HttpChain chain) => ContainerCommandEndpoint.Keyed(chain, _ => typeof(DeleteContainer));

    [WolverineDelete("/api/servers/{id:guid}"), Tags("Containers")]
    [ProducesResponseType<CommandAccepted>(StatusCodes.Status202Accepted)]
    [ProducesProblem(404), ProducesProblem(409), ProducesProblem(422)]
    public static Task<IResult> Delete(Guid id, HttpContext http, IMessageBus bus, CancellationToken ct) =>
        ContainerCommandEndpoint.SendAsync(id, new DeleteContainer(ContainerCommandEndpoint.CommandId(http)), http, bus, ct);
}
