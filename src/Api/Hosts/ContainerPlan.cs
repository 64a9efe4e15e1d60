using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Hosts;

/// <summary>What a host is asked to create.</summary>
public sealed record ContainerPlan(Guid ContainerId, ContainerKind Kind, ContainerResources Resources);
