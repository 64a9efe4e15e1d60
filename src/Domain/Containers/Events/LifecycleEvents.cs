using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Deployments;

// The container stream's lifecycle facts. Grouped in one file because each is a one-line record;
// their stable stored names are in DomainEvents.
namespace ZeroLagHub.Domain.Containers;

/// <summary>A user asked for a container; the first event of its stream. <paramref name="DeploymentId"/> provisions it.</summary>
/// <param name="Owner">The requesting user's id.</param>
public sealed record ContainerRequested(
    Guid ContainerId, string Owner, ContainerKind Kind, ContainerSpec Spec, Guid DeploymentId, DateTimeOffset At) : IContainerEvent;

/// <summary>The host created the container. The vmid is an attribute: Proxmox reuses freed vmids.</summary>
/// <param name="Host">Which host holds it (<c>local</c>, or a Proxmox node name).</param>
public sealed record ContainerCreated(int Vmid, string Address, string Host, DateTimeOffset At) : IContainerEvent;

/// <summary>The host published the container's ports (<see cref="ContainerSpec.Ports"/>), each on the host port recorded here.</summary>
public sealed record PortsPublished(IReadOnlyList<HostPort> Ports, DateTimeOffset At) : IContainerEvent;

/// <summary>The deployment that provisions the container finished every stage.</summary>
public sealed record ProvisioningSucceeded(Guid DeploymentId, DateTimeOffset At) : IContainerEvent;

/// <summary>The deployment that provisions the container failed; the container is in error until reprovisioned or deleted.</summary>
public sealed record ProvisioningFailed(Guid DeploymentId, DeploymentStage Stage, string Error, DateTimeOffset At) : IContainerEvent;

/// <summary>A user asked to run provisioning again (same spec) as deployment <paramref name="DeploymentId"/>.</summary>
public sealed record ReprovisionRequested(Guid DeploymentId, string By, DateTimeOffset At) : IContainerEvent;

/// <summary>A user stopped the whole container (its agent and everything in it).</summary>
public sealed record ContainerStopped(string By, DateTimeOffset At) : IContainerEvent;

/// <summary>A user started a stopped container again.</summary>
public sealed record ContainerStarted(string By, DateTimeOffset At) : IContainerEvent;

/// <summary>A user deleted the container. Final: every later command is refused.</summary>
public sealed record ContainerDeleted(string By, DateTimeOffset At) : IContainerEvent;
