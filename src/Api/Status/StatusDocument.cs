using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Api.Status;

/// <summary>
/// For the OpenAPI document: the status document <see cref="StatusReader"/> serves, a <see cref="ContainerStatus"/>
/// as JSON plus <c>stale</c> and <c>lastSeen</c>. It is served as read (JSON, not this type) so that a newer
/// projection's fields pass through; before the projection has seen the container only the required fields are there.
/// </summary>
public sealed class StatusDocument
{
    public required Guid ContainerId { get; init; }
    public required ContainerKind Kind { get; init; }
    public required ContainerStatusState State { get; init; }
    /// <summary>True when read from PostgreSQL (Redis down, or not reached yet by the publisher): it may lag.</summary>
    public required bool Stale { get; init; }
    /// <summary>The poller's last sighting of the agent; null when Redis has none or is down.</summary>
    public required DateTimeOffset? LastSeen { get; init; }
    public string? Owner { get; init; }
    public ContainerLifecycle? Lifecycle { get; init; }
    public GameServerState? Server { get; init; }
    public bool? ServerHasRun { get; init; }
    public string? Runtime { get; init; }
    public string? RuntimeVersion { get; init; }
    public bool? CodeServerRunning { get; init; }
    public CrashSummary? LastCrash { get; init; }
    public int? RestartCount { get; init; }
    public bool? AgentOnline { get; init; }
    public Guid? AgentInstanceId { get; init; }
    public Guid? CurrentDeploymentId { get; init; }
    public string? Error { get; init; }
    public string? ServerError { get; init; }
    public long? Position { get; init; }
    public DateTimeOffset? ChangedAt { get; init; }
    public DateTimeOffset? RestartAt { get; init; }
}
