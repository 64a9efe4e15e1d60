using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Hosts;

/// <summary>
/// A created container as its host names it. The vmid is an attribute, never an identity: Proxmox
/// reuses freed vmids.
/// </summary>
/// <param name="Address">The container's network address as the host reports it (an IP, or 127.0.0.1 for local).</param>
/// <param name="Ports">Where the host published the plan's ports (none when it publishes none).</param>
public sealed record HostedContainer(Guid ContainerId, int Vmid, string Address, IReadOnlyList<HostPort>? Ports = null);
