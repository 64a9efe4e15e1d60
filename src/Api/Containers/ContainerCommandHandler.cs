using ZeroLagHub.Api.Artifacts;
using ZeroLagHub.Api.Audit;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Commands;
using ZeroLagHub.Api.Containers.Names;
using ZeroLagHub.Api.Idempotency;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Decisions;
using ZeroLagHub.Domain.Deployments;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Api.Containers;

/// <summary>
/// Every user command on a container: load the stream, let the domain decide, write events + messages
/// + audit row in one transaction. A version conflict is decided once more on the reloaded stream: if
/// the command is still valid it succeeds, if the other command made it invalid it is refused with the
/// reason (409) — never a 500. The routes invoke it through Wolverine (<see cref="SendContainerCommand"/>, run
/// inline, without retries: a failure is the request's); the transaction is its own (<see cref="ControlPlaneTransaction"/>). A create is also refused (409) when its owner has a live container of that
/// name (<see cref="UniqueName"/>, checked in the write's transaction).
/// </summary>
/// <remarks>
/// A command id is accepted once. The id comes from the request's <c>Idempotency-Key</c>, so a client
/// that repeats a request (it timed out, the connection dropped) sends the same id: it gets the first
/// answer and nothing is written — no event, message or audit row — even when the container's state
/// would accept the command again (server and code-server commands always are). The accepted audit row
/// is the record of that: looked up before every decision, and unique per command id, so two copies
/// racing past the look-up cannot both be written. A rejected command is not kept: nothing was done,
/// and its repeat is decided again on the container as it is then. A key sent with another request
/// (another route, container or body) never gets here: <see cref="IdempotencyKeyCheck"/> refuses it first.
/// </remarks>
public sealed class ContainerCommandHandler(IEventStore store, ControlPlaneTransaction writer, ArtifactCatalog catalog, TimeProvider time)
{
    /// <summary>How often a command is decided before a stream that keeps moving under it is a 409.</summary>
    private const int MaxDecisions = 3;

    /// <summary>How long a route waits for the answer: Wolverine's default (5 s) is short on a loaded host.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(100);

    public async Task<CommandResult> HandleAsync(SendContainerCommand message, CancellationToken ct)
    {
        var (containerId, command, user) = message;
        var name = CommandName(command.GetType());
        for (var attempt = 1; ; attempt++)
        {
            if (await writer.FindAcceptedAsync(command.CommandId, ct) is { } first)
                return await RepeatAsync(first, containerId, command, name, user, ct);

            var now = time.GetUtcNow();
            var container = await store.AggregateStreamAsync(Container.StreamId(containerId), ContainerState.Initial, Container.Evolve, ct: ct);
            var context = new DecisionContext(now, catalog.Current(), new Actor(user.Id.ToString(), user.IsAdmin));
            var decision = Container.Decide(container.State, command, context);
            if (decision.Rejection is { } rejection)
            {
                await writer.AuditAsync(Audit(command, name, user, containerId, now, "rejected", rejection.Reason), ct);
                return new CommandResult(command.CommandId, containerId, null, rejection);
            }

            var appends = new List<StreamAppend> { new(Container.StreamId(containerId), Expected(container.Version), decision.Events) };
            var deploymentId = await DeploymentEffectsAsync(command, container.State, decision, context, appends, ct);
            var messages = decision.Events.Count > 0 ? ContainerReactions.For(containerId, command) : [];
            try
            {
                var refused = await writer.WriteAsync(appends, messages, Metadata(user, command),
                    Audit(command, name, user, containerId, now, "accepted", decision.Events.Count == 0 ? "nothing to change" : null), ct,
                    UniqueName.For(decision.Events));
                if (refused is not null)
                {
                    await writer.AuditAsync(Audit(command, name, user, containerId, now, "rejected", refused.Reason), ct);
                    return new CommandResult(command.CommandId, containerId, null, refused);
                }
                return new CommandResult(command.CommandId, containerId, deploymentId, null);
            }
            catch (Exception e) when (FindAcceptedCommand.WasAcceptedFirstByACopy(e))
            {
                // A copy of this request was accepted meanwhile: the look-up above now finds its answer.
            }
            catch (Exception e) when (ControlPlaneTransaction.IsConflict(e))
            {
                // Lost to a copy of this request: the look-up above finds its answer. Lost to another writer:
                // decide again on what it wrote. The agent's facts (read from its journal by the poller) land
                // on the same stream at any time, so a valid command racing another one may lose to both;
                // only a third loss is a 409.
                if (attempt < MaxDecisions) continue;
                if (await writer.FindAcceptedAsync(command.CommandId, ct) is { } copy) return await RepeatAsync(copy, containerId, command, name, user, ct);
                var reason = $"the container changed {MaxDecisions} times while this command was decided; send it again";
                await writer.AuditAsync(Audit(command, name, user, containerId, time.GetUtcNow(), "conflict", reason), ct);
                return new CommandResult(command.CommandId, containerId, null, Rejection.InvalidTransition(reason));
            }
        }
    }

    /// <summary>
    /// The answer to a command id accepted before: the same ids as the first time (the container and
    /// deployment a create or reprovision makes are derived from the command id). A key first used before
    /// keys were bound to their request (Storage/Migrations/V007) is matched here on the route only: another
    /// action or container is refused, as <see cref="IdempotencyKeyCheck"/> refuses it for newer keys.
    /// </summary>
    private async Task<CommandResult> RepeatAsync(AuditEntry first, Guid containerId, ContainerCommand command, string name, CurrentUser user,
        CancellationToken ct)
    {
        if (first.Command == name && first.ContainerId == containerId)
            return new CommandResult(command.CommandId, containerId, DeploymentOf(command), null);

        var reason = KeyReused.Reason($"{first.Command} on container {first.ContainerId}");
        await writer.AuditAsync(Audit(command, name, user, containerId, time.GetUtcNow(), "rejected", reason), ct);
        return new CommandResult(command.CommandId, containerId, null,
            Rejection.InvalidInput(reason, new Dictionary<string, string[]> { [KeyReused.Header] = [reason] }));
    }

    private static Guid? DeploymentOf(ContainerCommand command) =>
        command switch { CreateContainer c => c.DeploymentId, Reprovision r => r.DeploymentId, _ => null };

    /// <summary>
    /// Create and reprovision open a deployment stream in the same transaction; delete cancels a deployment
    /// still running, so the process manager stops at its next step.
    /// </summary>
    private async Task<Guid?> DeploymentEffectsAsync(ContainerCommand command, ContainerState before, Decision decision,
        DecisionContext context, List<StreamAppend> appends, CancellationToken ct)
    {
        if (decision.Events.Count == 0) return DeploymentOf(command);

        var after = decision.Events.Aggregate(before, Container.Evolve);
        switch (command)
        {
            case CreateContainer or Reprovision:
                var deploymentId = command is CreateContainer c ? c.DeploymentId : ((Reprovision)command).DeploymentId;
                var queued = Deployment.Decide(DeploymentState.Initial, new QueueDeployment(deploymentId, after.Id, after.Spec!), context);
                appends.Add(new StreamAppend(Deployment.StreamId(deploymentId), ExpectedVersion.NoStream, queued.Events));
                return deploymentId;
            case DeleteContainer when before.CurrentDeploymentId is { } running:
                var deployment = await store.AggregateStreamAsync(Deployment.StreamId(running), DeploymentState.Initial, Deployment.Evolve, ct: ct);
                var cancel = Deployment.Decide(deployment.State, new CancelDeployment(), context);
                if (cancel.IsAccepted && cancel.Events.Count > 0)
                    appends.Add(new StreamAppend(Deployment.StreamId(running), ExpectedVersion.Exactly(deployment.Version), cancel.Events));
                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// Records a command the API could not even build from its request (an incomplete body), as the audit log holds
    /// every command, accepted or not; nothing else is written.
    /// </summary>
    public Task RejectIncompleteAsync(Guid commandId, string command, CurrentUser user, string reason, CancellationToken ct) =>
        writer.AuditAsync(new AuditEntry(commandId, time.GetUtcNow(), user.Id, user.ClientIp?.ToString(), command, null, "rejected", reason), ct);

    private static ExpectedVersion Expected(long version) => version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(version);

    private static EventMetadata Metadata(CurrentUser user, ContainerCommand command) =>
        new(User: user.Id.ToString(), CorrelationId: command.CommandId.ToString(), CausationId: command.CommandId.ToString(),
            ClientIp: user.ClientIp?.ToString());

    private static AuditEntry Audit(ContainerCommand command, string name, CurrentUser user, Guid containerId, DateTimeOffset at,
        string outcome, string? reason) =>
        new(command.CommandId, at, user.Id, user.ClientIp?.ToString(), name, containerId, outcome, reason);

    /// <summary><c>CreateContainer</c> → <c>create_container</c>, the name the audit log shows.</summary>
    public static string CommandName(Type command) =>
        string.Concat(command.Name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
