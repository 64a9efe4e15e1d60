using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Api.Http;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Containers.Endpoints;

/// <summary>
/// <c>POST /api/servers</c>: a new container (dev or game) and the deployment that provisions it. 202 with their ids;
/// 400 naming the fields; 409 a name in use or a port taken. A request refused here is audited as rejected.
/// </summary>
public static class CreateContainerEndpoint
{
    public static void Configure(HttpChain chain)
    {
        ContainerCommandEndpoint.Keyed(chain, _ => typeof(CreateContainer));
        // The body is read in the endpoint (JsonRequestBody); this tells routing (415 for another media type), the
        // body guard (the fields an unknown one is told apart from) and the OpenAPI document what it is.
        chain.Metadata.Accepts<CreateContainerRequest>(isOptional: true, "application/json");
    }

    [WolverinePost("/api/servers"), Tags("Containers")]
    [ProducesResponseType<CommandAccepted>(StatusCodes.Status202Accepted)]
    [ProducesProblem(400), ProducesProblem(409), ProducesProblem(413), ProducesProblem(415), ProducesProblem(422)]
    public static async Task<IResult> Post(HttpContext http, ContainerCommandHandler handler, IMessageBus bus, IContainerHost host, CancellationToken ct)
    {
        var user = CurrentUser.Of(http);
        var commandId = ContainerCommandEndpoint.CommandId(http);
        var request = await JsonRequestBody.ReadAsync<CreateContainerRequest>(http);
        if (request is null)
        {
            await handler.RejectIncompleteAsync(commandId, "create_container", user, "no request body", ct);
            return TypedResults.Problem("send a JSON body: {kind, name, runtime, version, addons, server, resources}", statusCode: 400);
        }
        var (spec, errors) = request.ToSpec();
        if (spec is null)
        {
            await handler.RejectIncompleteAsync(commandId, "create_container", user, "incomplete request: " + string.Join(", ", errors.Keys.Order()), ct);
            return TypedResults.ValidationProblem(errors, detail: "the container request is incomplete");
        }
        var containerId = CommandResults.Derive(commandId, "container");
        // Checked before the command, so that the user hears of it now rather than from a failed deployment; the
        // host checks again as it creates the container (the port may have been taken in between).
        if (host is LocalContainerHost local && spec.Ports is { Count: > 0 } && local.TakenPort(spec.Ports, containerId) is { } taken)
        {
            await handler.RejectIncompleteAsync(commandId, "create_container", user, taken, ct);
            return TypedResults.Problem(taken, statusCode: StatusCodes.Status409Conflict, title: "Port taken",
                extensions: new Dictionary<string, object?> { ["field"] = "ports" });
        }
        var command = new CreateContainer(commandId, containerId, CommandResults.Derive(commandId, "deployment"), spec);
        return await ContainerCommandEndpoint.SendAsync(containerId, command, http, bus, ct);
    }
}
