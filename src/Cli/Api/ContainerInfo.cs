using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Cli.Api;

/// <summary>A container (<c>GET /api/servers[/{id}]</c>).</summary>
public sealed record ContainerInfo(
    Guid Id, string Owner, string Kind, string? Name, string Lifecycle, int? Vmid, string? Host, Guid? CurrentDeploymentId,
    string? Runtime, string? RuntimeVersion, bool CodeServerRunning, string Server, int ConsecutiveCrashes, int RestartCount,
    string? Error, ContainerSpec? Spec, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt, string? Address,
    IReadOnlyList<HostPort>? Ports = null);
