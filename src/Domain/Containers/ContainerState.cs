using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Domain.Containers;

/// <summary>
/// One container's stream folded by <see cref="Container.Evolve"/>. Runtime fields (agent, server,
/// code-server) are the agent's reports as last ingested, so they may lag reality by a poll cycle.
/// </summary>
/// <param name="CurrentDeploymentId">The deployment that provisioned it last (or is provisioning it now).</param>
/// <param name="LastCrash">The latest crash, kept after a restart for the status page.</param>
/// <param name="ConsecutiveCrashes">Crashes in a row; a run that lasted ≥ 30 s before crashing starts the count again.</param>
/// <param name="RestartCount">Automatic restarts scheduled over the container's life.</param>
/// <param name="ErrorReason">Why the lifecycle is <see cref="ContainerLifecycle.Error"/>.</param>
/// <param name="ServerError">Why the server is in <see cref="GameServerState.Error"/>.</param>
public sealed record ContainerState(
    Guid Id,
    string Owner,
    ContainerKind Kind,
    ContainerSpec? Spec,
    ContainerLifecycle Lifecycle,
    Guid? CurrentDeploymentId,
    int? Vmid,
    string? Address,
    string? Host,
    bool AgentOnline,
    Guid? AgentInstanceId,
    string? InstalledRuntime,
    string? InstalledVersion,
    RuntimeInstallFailed? LastInstallFailure,
    IReadOnlyList<string> InstalledAddons,
    bool DevEnvironmentReady,
    bool ServerFilesInstalled,
    bool CodeServerRunning,
    GameServerState Server,
    ServerCrashed? LastCrash,
    int ConsecutiveCrashes,
    int RestartCount,
    string? ErrorReason,
    string? ServerError,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt)
{
    /// <summary>Before the first event.</summary>
    public static ContainerState Initial { get; } = new(
        Guid.Empty, "", ContainerKind.Dev, null, ContainerLifecycle.None, null, null, null, null,
        false, null, null, null, null, [], false, false, false, GameServerState.Offline, null, 0, 0, null, null, null, null);

    /// <summary>Where its host published its ports (<see cref="PortsPublished"/>).</summary>
    public IReadOnlyList<HostPort> PublishedPorts { get; init; } = [];

    /// <summary>The stream exists (a deleted container still exists: its history is kept).</summary>
    public bool Exists => Lifecycle != ContainerLifecycle.None;

    public bool RuntimeInstalled => InstalledRuntime is not null;
}
