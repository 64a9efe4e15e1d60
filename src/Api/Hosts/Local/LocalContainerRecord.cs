using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// <c>host.json</c> in a container's directory: what the local host needs to find the agent again after
/// an API restart. It holds the agent token, so the file is 0600 and the directory is not the agent's.
/// </summary>
/// <param name="Running">What the user wants: an API restart brings back the agents that should run.</param>
public sealed record LocalContainerRecord(
    Guid ContainerId,
    int Vmid,
    ContainerKind Kind,
    int AgentPort,
    string AgentToken,
    bool Running,
    int? Pid)
{
    public Uri AgentAddress => new($"http://127.0.0.1:{AgentPort}/");
}
