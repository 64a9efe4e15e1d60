using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Deployments;

namespace ZeroLagHub.Domain;

/// <summary>
/// Every event of every stream, with the name it is stored under. The API registers them all in the
/// event store in one loop. A name, once written to a database, never changes: rename the CLR type
/// freely, never the string; a new payload shape is a new schema version with an upcaster.
/// </summary>
public static class DomainEvents
{
    public static IReadOnlyList<DomainEventType> All { get; } =
    [
        // container: lifecycle
        V1<ContainerRequested>("container.requested"),
        V1<ContainerCreated>("container.created"),
        V1<PortsPublished>("container.ports_published"),
        V1<ProvisioningSucceeded>("container.provisioning_succeeded"),
        V1<ProvisioningFailed>("container.provisioning_failed"),
        V1<ReprovisionRequested>("container.reprovision_requested"),
        V1<ContainerStopped>("container.stopped"),
        V1<ContainerStarted>("container.started"),
        V1<ContainerDeleted>("container.deleted"),
        // container: agent
        V1<AgentRegistered>("container.agent_registered"),
        V1<AgentWentOffline>("container.agent_went_offline"),
        V1<AgentCameBack>("container.agent_came_back"),
        V1<AgentRestarted>("container.agent_restarted"),
        V1<AgentJournalReset>("container.agent_journal_reset"),
        // container: installs
        V1<RuntimeInstallStarted>("container.runtime_install_started"),
        V1<RuntimeInstallSucceeded>("container.runtime_install_succeeded"),
        V1<RuntimeInstallFailed>("container.runtime_install_failed"),
        V1<AddonInstalled>("container.addon_installed"),
        V1<DevEnvironmentReady>("container.dev_environment_ready"),
        V1<ServerFilesInstalled>("container.server_files_installed"),
        // container: code-server
        V1<CodeServerStartRequested>("container.code_server_start_requested"),
        V1<CodeServerStopRequested>("container.code_server_stop_requested"),
        V1<CodeServerRestartRequested>("container.code_server_restart_requested"),
        V1<CodeServerStarted>("container.code_server_started"),
        V1<CodeServerStopped>("container.code_server_stopped"),
        V1<CodeServerDied>("container.code_server_died"),
        // container: game server
        V1<ServerStartRequested>("container.server_start_requested"),
        V1<ServerStopRequested>("container.server_stop_requested"),
        V1<ServerRestartRequested>("container.server_restart_requested"),
        V1<ServerKillRequested>("container.server_kill_requested"),
        V1<ServerStarted>("container.server_started"),
        V1<ServerStopped>("container.server_stopped"),
        V1<ServerCrashed>("container.server_crashed"),
        V1<RestartScheduled>("container.restart_scheduled"),
        V1<EnteredError>("container.entered_error"),
        // deployment
        V1<DeploymentQueued>("deployment.queued"),
        V1<StageStarted>("deployment.stage_started"),
        V1<StageSucceeded>("deployment.stage_succeeded"),
        V1<StageFailed>("deployment.stage_failed"),
        V1<DeploymentSucceeded>("deployment.succeeded"),
        V1<DeploymentFailed>("deployment.failed"),
        V1<DeploymentCancelled>("deployment.cancelled"),
    ];

    private static readonly Dictionary<Type, DomainEventType> ByType = All.ToDictionary(e => e.ClrType);

    /// <summary>The stored name of an event type (<c>container.server_crashed</c>).</summary>
    /// <exception cref="ArgumentException">The type is not a domain event.</exception>
    public static string NameOf(Type clrType) => ByType.TryGetValue(clrType, out var type)
        ? type.Name
        : throw new ArgumentException($"{clrType.FullName} is not a domain event", nameof(clrType));

    private static DomainEventType V1<T>(string name) => new(name, 1, typeof(T));
}
