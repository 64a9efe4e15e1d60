namespace ZeroLagHub.Cli.Api;

/// <summary>A container folded up to <paramref name="Version"/> (<c>GET /api/audit/containers/{id}/state</c>).</summary>
/// <param name="AsOf">The time asked for; null when a version was asked for.</param>
public sealed record ContainerStateAt(Guid ContainerId, long Version, DateTimeOffset? AsOf, ContainerInfo State);
