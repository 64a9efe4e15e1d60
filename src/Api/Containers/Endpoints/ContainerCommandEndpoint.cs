using Wolverine;
using Wolverine.Http;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Idempotency;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Containers.Endpoints;

/// <summary>
/// What every container command route shares: it hands the command to <see cref="ContainerCommandHandler"/> through
/// Wolverine (<see cref="SendContainerCommand"/>, run inline: the answer is the command's result), keys it by
/// <c>Idempotency-Key</c>, and answers 202 with the ids or the rejection's problem (<see cref="CommandResults"/>).
/// </summary>
public static class ContainerCommandEndpoint
{
    /// <summary>
    /// Marks the route an <see cref="IdempotentCommand"/>; <paramref name="command"/> names the command a request
    /// stands for (the audit log's name, for a refused reuse of a key or an unreadable body).
    /// </summary>
    public static void Keyed(HttpChain chain, Func<HttpContext, Type> command) =>
        chain.Metadata.WithMetadata(new IdempotentCommand(http => ContainerCommandHandler.CommandName(command(http))));

    /// <summary>The route's <c>{action}</c>.</summary>
    public static string Action(HttpContext http) => http.Request.RouteValues["action"]?.ToString() ?? "";

    /// <summary>The command id of this request: from its <c>Idempotency-Key</c>, else new.</summary>
    public static Guid CommandId(HttpContext http) => CommandResults.CommandId(http, CurrentUser.Of(http).Id);

    public static async Task<IResult> SendAsync(Guid containerId, ContainerCommand command, HttpContext http, IMessageBus bus, CancellationToken ct) =>
        CommandResults.From(
            await bus.InvokeAsync<CommandResult>(new SendContainerCommand(containerId, command, CurrentUser.Of(http)), ct, ContainerCommandHandler.Timeout),
            $"/api/servers/{containerId}");
}
