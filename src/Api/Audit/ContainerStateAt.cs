using ZeroLagHub.Api.Containers;

namespace ZeroLagHub.Api.Audit;

/// <summary>A container folded up to <paramref name="Version"/>: its state as of <paramref name="AsOf"/> or that version.</summary>
/// <param name="Version">The last event folded in.</param>
/// <param name="AsOf">The time asked for; null when a version (or the present) was asked for.</param>
public sealed record ContainerStateAt(Guid ContainerId, long Version, DateTimeOffset? AsOf, ContainerView State);
