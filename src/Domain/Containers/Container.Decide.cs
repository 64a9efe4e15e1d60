using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Decisions;

namespace ZeroLagHub.Domain.Containers;

public static partial class Container
{
    /// <summary>
    /// Decides a user's command against the container's current state. Checks run in this order, so
    /// the answer names the most fundamental problem: visibility (404), deletion, dev-vs-game, the
    /// lifecycle, then the command's own rules.
    /// </summary>
    /// <remarks>
    /// Idempotency: where the control plane is the authority (the container's own lifecycle), asking
    /// for what is already true is accepted with no events — stopping a stopped container, starting a
    /// ready one, deleting a deleted one, repeating a create or reprovision with the same deployment
    /// id. Where the agent is the authority (server and code-server processes), the request is always
    /// recorded and forwarded: our view lags by a poll cycle, and the agent answers "already running".
    /// </remarks>
    public static Decision Decide(ContainerState state, ContainerCommand command, DecisionContext context)
    {
        if (command is CreateContainer create) return Create(state, create, context);

        if (!state.Exists || !(context.Actor.IsAdmin || state.Owner == context.Actor.UserId))
            return Rejection.NotFound("no container with that id");
        if (state.Lifecycle == ContainerLifecycle.Deleted)
            return command is DeleteContainer ? Decision.AlreadyDone : Rejection.InvalidTransition("the container was deleted");

        var by = context.Actor.UserId;
        var now = context.Now;
        return command switch
        {
            DeleteContainer => Decision.Accept(new ContainerDeleted(by, now)),
            StopContainer => Stop(state, by, now),
            StartContainer => Start(state, by, now),
            Reprovision r => Reprovision(state, r, by, now),

            StartServer or StopServer or RestartServer or KillServer when state.Kind != ContainerKind.Game =>
                Rejection.InvalidTransition($"a dev container has no game server; use code-server {Verb(command)}"),
            StartCodeServer or StopCodeServer or RestartCodeServer when state.Kind != ContainerKind.Dev =>
                Rejection.InvalidTransition($"a game server has no code-server; use server {Verb(command)}"),

            _ when NotRunnable(state) is { } why => why,

            StartServer => Decision.Accept(new ServerStartRequested(by, command.CommandId, now)),
            StopServer => Decision.Accept(new ServerStopRequested(by, command.CommandId, now)),
            RestartServer => Decision.Accept(new ServerRestartRequested(by, command.CommandId, now)),
            KillServer => Decision.Accept(new ServerKillRequested(by, command.CommandId, now)),
            StartCodeServer => Decision.Accept(new CodeServerStartRequested(by, command.CommandId, now)),
            StopCodeServer => Decision.Accept(new CodeServerStopRequested(by, command.CommandId, now)),
            RestartCodeServer => Decision.Accept(new CodeServerRestartRequested(by, command.CommandId, now)),

            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "no decision for this container command"),
        };
    }

    private static Decision Create(ContainerState state, CreateContainer create, DecisionContext context)
    {
        if (state.Exists)
            return state.Id == create.ContainerId && state.CurrentDeploymentId == create.DeploymentId && state.Owner == context.Actor.UserId
                ? Decision.AlreadyDone
                : Rejection.InvalidTransition("a container with this id already exists");

        if (create.Spec is null)
            return Rejection.InvalidInput("the container spec is missing", new Dictionary<string, string[]> { ["spec"] = ["a container spec is required"] });
        var (errors, spec) = ContainerSpecRules.Check(create.Spec, context.Catalog);
        if (errors.Count > 0)
            return Rejection.InvalidInput("the container spec is not valid; see the field errors", errors);

        return Decision.Accept(new ContainerRequested(
            create.ContainerId, context.Actor.UserId, spec.Kind, spec, create.DeploymentId, context.Now));
    }

    private static Decision Stop(ContainerState state, string by, DateTimeOffset now) => state.Lifecycle switch
    {
        ContainerLifecycle.Stopped => Decision.AlreadyDone,
        ContainerLifecycle.Ready => Decision.Accept(new ContainerStopped(by, now)),
        _ => NotRunnable(state)!,
    };

    private static Decision Start(ContainerState state, string by, DateTimeOffset now) => state.Lifecycle switch
    {
        ContainerLifecycle.Ready => Decision.AlreadyDone,
        ContainerLifecycle.Stopped => Decision.Accept(new ContainerStarted(by, now)),
        _ => NotRunnable(state)!,
    };

    private static Decision Reprovision(ContainerState state, Reprovision command, string by, DateTimeOffset now) => state.Lifecycle switch
    {
        ContainerLifecycle.Provisioning when state.CurrentDeploymentId == command.DeploymentId => Decision.AlreadyDone,
        ContainerLifecycle.Provisioning => Rejection.InvalidTransition("the container is already being provisioned; wait for that deployment to finish"),
        ContainerLifecycle.Stopped => Rejection.InvalidTransition("the container is stopped; start it before reprovisioning"),
        _ => Decision.Accept(new ReprovisionRequested(command.DeploymentId, by, now)),
    };

    /// <summary>Why nothing can run in the container now; null when it is ready.</summary>
    private static Rejection? NotRunnable(ContainerState state) => state.Lifecycle switch
    {
        ContainerLifecycle.Ready => null,
        ContainerLifecycle.Provisioning => Rejection.InvalidTransition("the container is still being provisioned; wait for its deployment to finish"),
        ContainerLifecycle.Stopped => Rejection.InvalidTransition("the container is stopped; start it first"),
        ContainerLifecycle.Error => Rejection.InvalidTransition($"the container's provisioning failed ({state.ErrorReason}); reprovision or delete it"),
        ContainerLifecycle.Deleted => Rejection.InvalidTransition("the container was deleted"),
        _ => Rejection.NotFound("no container with that id"),
    };

    private static string Verb(ContainerCommand command) => command switch
    {
        StartServer or StartCodeServer => "start",
        StopServer or StopCodeServer => "stop",
        RestartServer or RestartCodeServer => "restart",
        _ => "stop",
    };
}
