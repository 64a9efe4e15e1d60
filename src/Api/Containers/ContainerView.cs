using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Containers;

/// <summary>A container as the API shows it: the folded state without internals.</summary>
/// <param name="Ports">Where its host published its ports: <c>published</c> on the host's addresses leads to <c>port</c> inside.</param>
/// <param name="Address">The host's network address for it (an IP; 127.0.0.1 on the local host), the target of <c>zlh ssh</c>.</param>
public sealed record ContainerView(
    Guid Id, string Owner, string Kind, string? Name, string Lifecycle, int? Vmid, string? Host, Guid? CurrentDeploymentId,
    string? Runtime, string? RuntimeVersion, bool CodeServerRunning, string Server, int ConsecutiveCrashes, int RestartCount,
    string? Error, ContainerSpec? Spec, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt, string? Address, IReadOnlyList<HostPort> Ports)
{
    public static ContainerView From(ContainerState s) => new(
        s.Id, s.Owner, s.Kind.ToString().ToLowerInvariant(), s.Spec?.Name, s.Lifecycle.ToString().ToLowerInvariant(), s.Vmid, s.Host,
        s.CurrentDeploymentId, s.InstalledRuntime, s.InstalledVersion, s.CodeServerRunning, s.Server.ToString().ToLowerInvariant(),
        s.ConsecutiveCrashes, s.RestartCount, s.ErrorReason ?? s.ServerError, s.Spec, s.CreatedAt, s.UpdatedAt, s.Address, s.PublishedPorts);
}
