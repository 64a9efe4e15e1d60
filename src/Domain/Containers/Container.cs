using ZeroLagHub.Domain.Deployments;

namespace ZeroLagHub.Domain.Containers;

/// <summary>
/// The container aggregate: <see cref="Evolve"/> folds its stream, <c>Decide</c> (Container.Decide.cs)
/// turns a user's command into events. One stream per container, keyed by its UUID.
/// </summary>
public static partial class Container
{
    /// <summary>
    /// A run that lasted at least this long before crashing is not part of a crash loop: the
    /// consecutive count starts again, as the supervisor's backoff does.
    /// </summary>
    public const double CrashLoopResetUptimeSeconds = 30;

    /// <summary>The event store stream id of a container: its UUID, never its vmid (hosts reuse vmids).</summary>
    public static string StreamId(Guid containerId) => containerId.ToString("D");

    /// <summary>
    /// Applies one event. Unknown events leave the state unchanged, so an older build can fold a
    /// stream that a newer one wrote. Runtime reports never move the lifecycle, and a deleted
    /// container is final: journal entries ingested after the delete are kept in the stream for the
    /// auditors but must not bring it back.
    /// </summary>
    public static ContainerState Evolve(ContainerState state, object @event)
    {
        if (state.Lifecycle == ContainerLifecycle.Deleted) return state;

        var next = @event switch
        {
            ContainerRequested e => state with
            {
                Id = e.ContainerId, Owner = e.Owner, Kind = e.Kind, Spec = e.Spec,
                Lifecycle = ContainerLifecycle.Provisioning, CurrentDeploymentId = e.DeploymentId, CreatedAt = e.At,
            },
            ContainerCreated e => state with { Vmid = e.Vmid, Address = e.Address, Host = e.Host },
            PortsPublished e => state with { PublishedPorts = e.Ports },
            ProvisioningSucceeded e when IsCurrentProvisioning(state, e.DeploymentId) => state with
            {
                Lifecycle = ContainerLifecycle.Ready, ErrorReason = null,
            },
            ProvisioningFailed e when IsCurrentProvisioning(state, e.DeploymentId) => state with
            {
                Lifecycle = ContainerLifecycle.Error, ErrorReason = $"{DeploymentPlan.Name(e.Stage)} failed: {e.Error}",
            },
            ReprovisionRequested e => state with
            {
                Lifecycle = ContainerLifecycle.Provisioning, CurrentDeploymentId = e.DeploymentId,
                ErrorReason = null, DevEnvironmentReady = false, ServerFilesInstalled = false,
            },
            // A stopped container has no agent and no processes; the agent reports them again after a start.
            ContainerStopped => state with
            {
                Lifecycle = ContainerLifecycle.Stopped, AgentOnline = false, CodeServerRunning = false,
                Server = GameServerState.Offline,
            },
            ContainerStarted when state.Lifecycle == ContainerLifecycle.Stopped => state with { Lifecycle = ContainerLifecycle.Ready },
            ContainerDeleted => state with
            {
                Lifecycle = ContainerLifecycle.Deleted, AgentOnline = false, CodeServerRunning = false,
                Server = GameServerState.Offline,
            },

            AgentRegistered e => state with { AgentOnline = true, AgentInstanceId = e.InstanceId ?? state.AgentInstanceId },
            AgentWentOffline => state with { AgentOnline = false },
            AgentCameBack e => state with { AgentOnline = true, AgentInstanceId = e.InstanceId },
            AgentRestarted e => state with { AgentOnline = true, AgentInstanceId = e.InstanceId },

            RuntimeInstallSucceeded e => state with
            {
                InstalledRuntime = e.Runtime, InstalledVersion = e.Version, LastInstallFailure = null,
            },
            RuntimeInstallFailed e => state with { LastInstallFailure = e },
            AddonInstalled e => state with { InstalledAddons = WithAddon(state.InstalledAddons, e) },
            DevEnvironmentReady => state with { DevEnvironmentReady = true },
            ServerFilesInstalled => state with { ServerFilesInstalled = true },

            CodeServerStarted => state with { CodeServerRunning = true },
            CodeServerStopped or CodeServerDied => state with { CodeServerRunning = false },

            // A request for what the last report already shows changes nothing: the agent will
            // answer "already running", and no later report would move the state back.
            ServerStartRequested => state with
            {
                Server = state.Server == GameServerState.Running ? GameServerState.Running : GameServerState.Starting,
                ConsecutiveCrashes = 0, ServerError = null,
            },
            ServerRestartRequested => state with { Server = GameServerState.Stopping, ConsecutiveCrashes = 0, ServerError = null },
            ServerStopRequested or ServerKillRequested => state with
            {
                Server = state.Server == GameServerState.Offline ? GameServerState.Offline : GameServerState.Stopping,
            },
            ServerStarted => state with { Server = GameServerState.Running },
            ServerStopped => state with { Server = GameServerState.Offline },
            ServerCrashed e => state with
            {
                Server = GameServerState.Crashed, LastCrash = e,
                ConsecutiveCrashes = e.UptimeSeconds >= CrashLoopResetUptimeSeconds ? 1 : state.ConsecutiveCrashes + 1,
            },
            RestartScheduled => state with { Server = GameServerState.Restarting, RestartCount = state.RestartCount + 1 },
            EnteredError e => state with { Server = GameServerState.Error, ServerError = e.Reason },

            _ => state,
        };
        return ReferenceEquals(next, state) || @event is not IContainerEvent fact ? next : next with { UpdatedAt = fact.At };
    }

    // A late outcome of a superseded deployment (at-least-once delivery) must not overwrite the current one.
    private static bool IsCurrentProvisioning(ContainerState state, Guid deploymentId) =>
        state.Lifecycle == ContainerLifecycle.Provisioning && state.CurrentDeploymentId == deploymentId;

    private static IReadOnlyList<string> WithAddon(IReadOnlyList<string> installed, AddonInstalled e)
    {
        var pinned = $"{e.Addon}@{e.Version}";
        return installed.Contains(pinned) ? installed : [.. installed.Where(a => !a.StartsWith(e.Addon + "@", StringComparison.Ordinal)), pinned];
    }
}
