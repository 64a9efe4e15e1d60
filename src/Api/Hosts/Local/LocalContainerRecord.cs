using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// <c>host.json</c> in a container's directory: what the local host needs to find the container again after
/// an API restart. It holds the agent token, so the file is 0600 and the directory is not the container's.
/// </summary>
/// <param name="Running">What the user wants: an API restart brings back the containers that should run.</param>
/// <param name="Init">The container's init while it runs (see <see cref="ContainerInit"/>); null when stopped.</param>
/// <param name="Ports">Its published ports and the host ports they were given, published again at each start.</param>
/// <param name="AgentPort">The loopback port the agent of a layout before 2 listened on; unused since.</param>
/// <param name="Layout">0: made by a version whose agents ran without an init, in the host's PID namespace, as
/// <c>zlh-c&lt;vmid&gt;</c>; 1: an init per container and a user named after its id, the agent on a loopback port of the
/// host's network; <see cref="CurrentLayout"/>: a network namespace of its own, the agent on a Unix socket the control
/// plane binds (<see cref="LocalContainerStore.AgentSocketPath"/>).</param>
public sealed record LocalContainerRecord(
    Guid ContainerId,
    int Vmid,
    ContainerKind Kind,
    int AgentPort,
    string AgentToken,
    bool Running,
    ContainerInit? Init = null,
    int Layout = 0,
    IReadOnlyList<HostPort>? Ports = null)
{
    public const int CurrentLayout = 2;

    /// <summary>The first layout whose user is named after the container's id.</summary>
    private const int UsersByIdLayout = 1;

    /// <summary>The container's OS user (when the host makes one per container).</summary>
    public string UserName => Layout >= UsersByIdLayout ? LocalUsers.NameOf(ContainerId) : $"zlh-c{Vmid}";
}
