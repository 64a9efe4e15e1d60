using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Deployments;

namespace ZeroLagHub.Projections.Status;

/// <summary>
/// A container's live status: the row of <see cref="ContainerStatusProjection"/>, and what the status
/// endpoint, its cache and its push serve. <see cref="Evolve"/> is a pure fold over the container
/// stream, so a rebuild gives the same rows.
/// </summary>
/// <param name="Runtime">The installed runtime, or the requested one until an install succeeded.</param>
/// <param name="AgentOnline">
/// The agent answers (registered, came back or restarted, and not offline since). Separate from
/// <paramref name="Error"/>: an agent can be up in a container whose provisioning failed.
/// </param>
/// <param name="ServerHasRun">Game servers: started at least once, which tells <c>idle</c> from <c>ready</c>.</param>
/// <param name="Error">Why provisioning failed (lifecycle error).</param>
/// <param name="ServerError">Why the supervisor gave up on the game server.</param>
/// <param name="RestartCount">Automatic restarts scheduled over the container's life.</param>
/// <param name="Position">The log position of the last event that changed this row: the change id.</param>
/// <param name="ChangedAt">When that event happened.</param>
public sealed record ContainerStatus(
    Guid ContainerId,
    string Owner,
    ContainerKind Kind,
    ContainerStatusState State,
    ContainerLifecycle Lifecycle,
    GameServerState Server,
    bool ServerHasRun,
    string? Runtime,
    string? RuntimeVersion,
    bool CodeServerRunning,
    CrashSummary? LastCrash,
    int RestartCount,
    bool AgentOnline,
    Guid? AgentInstanceId,
    Guid? CurrentDeploymentId,
    string? Error,
    string? ServerError,
    long Position,
    DateTimeOffset ChangedAt)
{
    /// <summary>
    /// While <see cref="ContainerStatusState.Restarting"/>: when the supervisor starts the server again (the crash's
    /// backoff), so a watcher can say "restart in 30 s". Not a constructor parameter: rows written before it read as null.
    /// </summary>
    public DateTimeOffset? RestartAt { get; init; }

    /// <summary>
    /// Applies one event of the container's stream at log <paramref name="position"/>. Null before the
    /// stream's first event; unknown events and events after the delete change nothing. The position
    /// moves only when something else did, so a repeated report (at-least-once ingestion) is no change.
    /// </summary>
    public static ContainerStatus? Evolve(ContainerStatus? status, object @event, long position)
    {
        if (status is null)
        {
            return @event is ContainerRequested r
                ? Derive(new ContainerStatus(r.ContainerId, r.Owner, r.Kind, ContainerStatusState.Provisioning, ContainerLifecycle.Provisioning,
                    GameServerState.Offline, false, r.Spec.Runtime, r.Spec.Version, false, null, 0, false, null, r.DeploymentId, null, null,
                    position, r.At))
                : null;
        }
        if (status.Lifecycle == ContainerLifecycle.Deleted) return status;

        var next = Apply(status, @event);
        if (next == status) return status;
        return Derive(next) with { Position = position, ChangedAt = @event is IContainerEvent fact ? fact.At : status.ChangedAt };
    }

    private static ContainerStatus Apply(ContainerStatus s, object @event) => @event switch
    {
        ProvisioningSucceeded e when IsCurrentProvisioning(s, e.DeploymentId) => s with { Lifecycle = ContainerLifecycle.Ready, Error = null },
        ProvisioningFailed e when IsCurrentProvisioning(s, e.DeploymentId) => s with
        {
            Lifecycle = ContainerLifecycle.Error, Error = $"{DeploymentPlan.Name(e.Stage)} failed: {e.Error}",
        },
        ReprovisionRequested e => s with { Lifecycle = ContainerLifecycle.Provisioning, CurrentDeploymentId = e.DeploymentId, Error = null },
        // A stopped or deleted container has no agent and runs nothing; the agent reports again after a start.
        ContainerStopped => s with
        {
            Lifecycle = ContainerLifecycle.Stopped, AgentOnline = false, CodeServerRunning = false, Server = GameServerState.Offline,
        },
        ContainerStarted when s.Lifecycle == ContainerLifecycle.Stopped => s with { Lifecycle = ContainerLifecycle.Ready },
        ContainerDeleted => s with
        {
            Lifecycle = ContainerLifecycle.Deleted, AgentOnline = false, CodeServerRunning = false, Server = GameServerState.Offline,
        },

        AgentRegistered e => s with { AgentOnline = true, AgentInstanceId = e.InstanceId ?? s.AgentInstanceId },
        AgentCameBack e => s with { AgentOnline = true, AgentInstanceId = e.InstanceId },
        AgentRestarted e => s with { AgentOnline = true, AgentInstanceId = e.InstanceId },
        AgentWentOffline => s with { AgentOnline = false },

        RuntimeInstallSucceeded e => s with { Runtime = e.Runtime, RuntimeVersion = e.Version },
        CodeServerStarted => s with { CodeServerRunning = true },
        CodeServerStopped or CodeServerDied => s with { CodeServerRunning = false },

        ServerStartRequested => s with
        {
            Server = s.Server == GameServerState.Running ? GameServerState.Running : GameServerState.Starting,
            ServerHasRun = true, ServerError = null,
        },
        ServerRestartRequested => s with { Server = GameServerState.Stopping, ServerError = null },
        ServerStopRequested or ServerKillRequested => s with
        {
            Server = s.Server == GameServerState.Offline ? GameServerState.Offline : GameServerState.Stopping,
        },
        ServerStarted => s with { Server = GameServerState.Running, ServerHasRun = true },
        ServerStopped => s with { Server = GameServerState.Offline },
        ServerCrashed e => s with
        {
            Server = GameServerState.Crashed, LastCrash = new CrashSummary(e.At, e.ExitCode, e.Signal, e.Classification),
        },
        RestartScheduled e => s with { Server = GameServerState.Restarting, RestartCount = s.RestartCount + 1, RestartAt = e.At + e.Delay },
        EnteredError e => s with { Server = GameServerState.Error, ServerError = e.Reason },
        _ => s,
    };

    /// <summary>The one word the status page shows, from the lifecycle, the agent and the server.</summary>
    private static ContainerStatus Derive(ContainerStatus s) => s with
    {
        RestartAt = s.Server == GameServerState.Restarting ? s.RestartAt : null,
        State = s.Lifecycle switch
        {
            ContainerLifecycle.Deleted => ContainerStatusState.Deleted,
            ContainerLifecycle.Provisioning => ContainerStatusState.Provisioning,
            ContainerLifecycle.Error => ContainerStatusState.Error,
            ContainerLifecycle.Stopped => ContainerStatusState.Offline,
            _ when !s.AgentOnline => ContainerStatusState.Offline,
            _ when s.Kind == ContainerKind.Dev => ContainerStatusState.Running,
            _ => s.Server switch
            {
                GameServerState.Offline => s.ServerHasRun ? ContainerStatusState.Idle : ContainerStatusState.Ready,
                GameServerState.Starting => ContainerStatusState.Starting,
                GameServerState.Running => ContainerStatusState.Running,
                GameServerState.Stopping => ContainerStatusState.Stopping,
                GameServerState.Crashed => ContainerStatusState.Crashed,
                GameServerState.Restarting => ContainerStatusState.Restarting,
                _ => ContainerStatusState.Error,
            },
        },
    };

    // A late outcome of a superseded deployment (at-least-once delivery) must not overwrite the current one.
    private static bool IsCurrentProvisioning(ContainerStatus s, Guid deploymentId) =>
        s.Lifecycle == ContainerLifecycle.Provisioning && s.CurrentDeploymentId == deploymentId;
}
