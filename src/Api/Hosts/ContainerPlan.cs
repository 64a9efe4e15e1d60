using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Hosts;

/// <summary>What a host is asked to create.</summary>
/// <param name="Ports">What it publishes (the local host; a Proxmox LXC has an address of its own).</param>
public sealed record ContainerPlan(Guid ContainerId, ContainerKind Kind, ContainerResources Resources, IReadOnlyList<PublishedPort>? Ports = null);
