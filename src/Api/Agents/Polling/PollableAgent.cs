using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>A container whose agent should answer, as its directory row stood when the cycle began.</summary>
public sealed record PollableAgent(Guid ContainerId, ContainerState Known);
