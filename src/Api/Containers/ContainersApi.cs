using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Problems;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.EventStore;

namespace ZeroLagHub.Api.Containers;

/// <summary>
/// <c>/api/servers</c>: every container, dev or game. Commands answer 202 with their ids (the work
/// continues in the background; watch the deployment); another user's container is a 404.
/// </summary>
public static class ContainersApi
{
    public static IEndpointRouteBuilder MapContainersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/servers").WithTags("Containers");
        group.MapPost("", Create).WithMetadata(new AuditedCommand("create_container"));
        group.MapGet("", List);
        group.MapGet("/{id:guid}", Get);
        group.MapDelete("/{id:guid}", (Guid id, HttpContext http, CurrentUser user, ContainerCommandHandler handler, CancellationToken ct) =>
            Send(id, new DeleteContainer(CommandResults.CommandId(http, user.Id)), user, handler, ct));
        group.MapPost("/{id:guid}/{action:regex(^(stop|start|reprovision)$)}", ContainerAction);
        group.MapPost("/{id:guid}/server/{action:regex(^(start|stop|restart|kill)$)}", ServerAction);
        group.MapPost("/{id:guid}/code-server/{action:regex(^(start|stop|restart)$)}", CodeServerAction);
        return app;
    }

    private static async Task<IResult> Create(CreateContainerRequest? request, HttpContext http, CurrentUser user,
        ContainerCommandHandler handler, CancellationToken ct)
    {
        var commandId = CommandResults.CommandId(http, user.Id);
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
        var command = new CreateContainer(commandId, containerId, CommandResults.Derive(commandId, "deployment"), spec);
        return await Send(containerId, command, user, handler, ct);
    }

    private static async Task<IResult> List(CurrentUser user, ContainerQueries queries, CancellationToken ct, bool deleted = false) =>
        TypedResults.Ok((await queries.ListAsync(user, deleted, ct)).Select(ContainerView.From));

    private static async Task<IResult> Get(Guid id, CurrentUser user, IEventStore store, CancellationToken ct)
    {
        var container = await store.AggregateStreamAsync(Container.StreamId(id), ContainerState.Initial, Container.Evolve, ct: ct);
        return container.State.Exists && user.CanAccess(Guid.TryParse(container.State.Owner, out var owner) ? owner : Guid.Empty)
            ? TypedResults.Ok(ContainerView.From(container.State))
            : NotFound();
    }

    private static Task<IResult> ContainerAction(Guid id, string action, HttpContext http, CurrentUser user, ContainerCommandHandler handler, CancellationToken ct)
    {
        var commandId = CommandResults.CommandId(http, user.Id);
        ContainerCommand command = action switch
        {
            "stop" => new StopContainer(commandId),
            "start" => new StartContainer(commandId),
            _ => new Reprovision(commandId, CommandResults.Derive(commandId, "deployment")),
        };
        return Send(id, command, user, handler, ct);
    }

    private static Task<IResult> ServerAction(Guid id, string action, HttpContext http, CurrentUser user, ContainerCommandHandler handler, CancellationToken ct)
    {
        var commandId = CommandResults.CommandId(http, user.Id);
        ContainerCommand command = action switch
        {
            "start" => new StartServer(commandId),
            "stop" => new StopServer(commandId),
            "restart" => new RestartServer(commandId),
            _ => new KillServer(commandId),
        };
        return Send(id, command, user, handler, ct);
    }

    private static Task<IResult> CodeServerAction(Guid id, string action, HttpContext http, CurrentUser user, ContainerCommandHandler handler, CancellationToken ct)
    {
        var commandId = CommandResults.CommandId(http, user.Id);
        ContainerCommand command = action switch
        {
            "start" => new StartCodeServer(commandId),
            "stop" => new StopCodeServer(commandId),
            _ => new RestartCodeServer(commandId),
        };
        return Send(id, command, user, handler, ct);
    }

    private static async Task<IResult> Send(Guid id, ContainerCommand command, CurrentUser user, ContainerCommandHandler handler, CancellationToken ct) =>
        CommandResults.From(await handler.HandleAsync(id, command, user, ct), $"/api/servers/{id}");

    private static IResult NotFound() =>
        TypedResults.Problem("no such container (or not yours)", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
