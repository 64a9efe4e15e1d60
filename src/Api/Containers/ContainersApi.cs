using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Idempotency;
using ZeroLagHub.Domain.Containers;
using Wolverine;
using ZeroLagHub.Projections.Events;

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
        group.MapPost("", Create).WithMetadata(Named(_ => typeof(CreateContainer)));
        group.MapGet("", List);
        group.MapGet("/{id:guid}", Get);
        group.MapDelete("/{id:guid}", (Guid id, HttpContext http, CurrentUser user, IMessageBus bus, CancellationToken ct) =>
            Send(id, new DeleteContainer(CommandResults.CommandId(http, user.Id)), user, bus, ct))
            .WithMetadata(Named(_ => typeof(DeleteContainer)));
        group.MapPost("/{id:guid}/{action:regex(^(stop|start|reprovision)$)}", ContainerAction)
            .WithMetadata(Named(http => ContainerCommand(Action(http), Guid.Empty).GetType()));
        group.MapPost("/{id:guid}/server/{action:regex(^(start|stop|restart|kill)$)}", ServerAction)
            .WithMetadata(Named(http => ServerCommand(Action(http), Guid.Empty).GetType()));
        group.MapPost("/{id:guid}/code-server/{action:regex(^(start|stop|restart)$)}", CodeServerAction)
            .WithMetadata(Named(http => CodeServerCommand(Action(http), Guid.Empty).GetType()));
        return app;
    }

    /// <summary>Commands keyed by <c>Idempotency-Key</c>; the name is the audit log's, for a refused reuse of a key.</summary>
    private static IdempotentCommand Named(Func<HttpContext, Type> command) =>
        new(http => ContainerCommandHandler.CommandName(command(http)));

    private static string Action(HttpContext http) => http.Request.RouteValues["action"]?.ToString() ?? "";

    private static async Task<IResult> Create(CreateContainerRequest? request, HttpContext http, CurrentUser user,
        ContainerCommandHandler handler, IMessageBus bus, IContainerHost host, CancellationToken ct)
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
        // Checked before the command, so that the user hears of it now rather than from a failed deployment; the
        // host checks again as it creates the container (the port may have been taken in between).
        if (host is LocalContainerHost local && spec.Ports is { Count: > 0 } && local.TakenPort(spec.Ports, containerId) is { } taken)
        {
            await handler.RejectIncompleteAsync(commandId, "create_container", user, taken, ct);
            return TypedResults.Problem(taken, statusCode: StatusCodes.Status409Conflict, title: "Port taken",
                extensions: new Dictionary<string, object?> { ["field"] = "ports" });
        }
        var command = new CreateContainer(commandId, containerId, CommandResults.Derive(commandId, "deployment"), spec);
        return await Send(containerId, command, user, bus, ct);
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

    private static Task<IResult> ContainerAction(Guid id, string action, HttpContext http, CurrentUser user, IMessageBus bus, CancellationToken ct) =>
        Send(id, ContainerCommand(action, CommandResults.CommandId(http, user.Id)), user, bus, ct);

    private static Task<IResult> ServerAction(Guid id, string action, HttpContext http, CurrentUser user, IMessageBus bus, CancellationToken ct) =>
        Send(id, ServerCommand(action, CommandResults.CommandId(http, user.Id)), user, bus, ct);

    private static Task<IResult> CodeServerAction(Guid id, string action, HttpContext http, CurrentUser user, IMessageBus bus, CancellationToken ct) =>
        Send(id, CodeServerCommand(action, CommandResults.CommandId(http, user.Id)), user, bus, ct);

    private static ContainerCommand ContainerCommand(string action, Guid commandId) => action.ToLowerInvariant() switch
    {
        "stop" => new StopContainer(commandId),
        "start" => new StartContainer(commandId),
        _ => new Reprovision(commandId, CommandResults.Derive(commandId, "deployment")),
    };

    private static ContainerCommand ServerCommand(string action, Guid commandId) => action.ToLowerInvariant() switch
    {
        "start" => new StartServer(commandId),
        "stop" => new StopServer(commandId),
        "restart" => new RestartServer(commandId),
        _ => new KillServer(commandId),
    };

    private static ContainerCommand CodeServerCommand(string action, Guid commandId) => action.ToLowerInvariant() switch
    {
        "start" => new StartCodeServer(commandId),
        "stop" => new StopCodeServer(commandId),
        _ => new RestartCodeServer(commandId),
    };

    /// <summary>Through Wolverine, run inline (<see cref="ContainerCommandHandler"/>): the answer is the command's result.</summary>
    private static async Task<IResult> Send(Guid id, ContainerCommand command, CurrentUser user, IMessageBus bus, CancellationToken ct) =>
        CommandResults.From(await bus.InvokeAsync<CommandResult>(new SendContainerCommand(id, command, user), ct, ContainerCommandHandler.Timeout),
            $"/api/servers/{id}");

    private static IResult NotFound() =>
        TypedResults.Problem("no such container (or not yours)", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
