namespace ZeroLagHub.Api.Hosts;

/// <summary>
/// Where containers live: sandboxed local processes (the embedded default) or Proxmox LXCs.
/// Every call is idempotent, because the message worker that makes it delivers at least once.
/// </summary>
public interface IContainerHost
{
    /// <summary>Creates the container and starts its agent; a repeated call for the same container returns the first result.</summary>
    Task<HostedContainer> CreateAsync(ContainerPlan plan, StageLog log, CancellationToken ct);

    Task StartAsync(Guid containerId, StageLog log, CancellationToken ct);

    Task StopAsync(Guid containerId, StageLog log, CancellationToken ct);

    /// <summary>Destroys the container; deleting one that is already gone succeeds.</summary>
    Task DeleteAsync(Guid containerId, StageLog log, CancellationToken ct);

    /// <summary>Where the container's agent listens and the token it accepts; null when this host has no such container.</summary>
    ValueTask<AgentEndpoint?> FindAgentAsync(Guid containerId, CancellationToken ct);
}
