using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// <c>host.json</c> in a container's directory: what the local host needs to find the container again after
/// an API restart. It holds the agent token, so the file is 0600 and the directory is not the container's.
/// </summary>
/// <param name="Running">What the user wants: an API restart brings back the containers that should run.</param>
/// <param name="Init">The container's init while it runs (see <see cref="ContainerInit"/>); null when stopped.</param>
/// <param name="Layout">0: made by a version whose agents ran without an init, in the host's PID namespace, as
/// <c>zlh-c&lt;vmid&gt;</c>; <see cref="CurrentLayout"/>: an init per container and a user named after its id.</param>
public sealed record LocalContainerRecord(
    Guid ContainerId,
    int Vmid,
    ContainerKind Kind,
    int AgentPort,
    string AgentToken,
    bool Running,
    ContainerInit? Init = null,
    int Layout = 0)
{
    public const int CurrentLayout = 1;

    public Uri AgentAddress => new($"http://127.0.0.1:{AgentPort}/");

    /// <summary>The container's OS user (when the host makes one per container).</summary>
    public string UserName => Layout >= CurrentLayout ? LocalUsers.NameOf(ContainerId) : $"zlh-c{Vmid}";
}
