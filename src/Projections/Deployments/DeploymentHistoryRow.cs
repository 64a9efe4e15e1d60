using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Deployments;

namespace ZeroLagHub.Projections.Deployments;

/// <summary>One deployment as the history shows it: who started it, its stages with durations and log tails, how it ended.</summary>
public sealed record DeploymentHistoryRow(
    Guid Id,
    Guid ContainerId,
    string RequestedBy,
    ContainerKind Kind,
    string Status,
    DateTimeOffset QueuedAt,
    DateTimeOffset? FinishedAt,
    double? DurationSeconds,
    string? FailedStage,
    string? Error,
    string? CancelledBy,
    IReadOnlyList<DeploymentStageRow> Stages);

/// <param name="Status"><c>pending</c>, <c>running</c>, <c>succeeded</c> or <c>failed</c>.</param>
public sealed record DeploymentStageRow(
    DeploymentStage Name,
    string Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? DurationSeconds,
    string? Error,
    IReadOnlyList<string> LogTail);
