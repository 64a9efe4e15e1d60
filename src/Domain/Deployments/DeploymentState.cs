using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Domain.Deployments;

/// <summary>One deployment's stream folded by <see cref="Deployment.Evolve"/>.</summary>
/// <param name="CurrentStage">The stage started and not yet finished, if any.</param>
/// <param name="SucceededStages">In the order they succeeded.</param>
/// <param name="FailedStage">With <see cref="Error"/>, when <see cref="Status"/> is failed.</param>
public sealed record DeploymentState(
    Guid Id,
    Guid ContainerId,
    string RequestedBy,
    ContainerKind Kind,
    ContainerSpec? Spec,
    IReadOnlyList<DeploymentStage> Stages,
    DeploymentStatus Status,
    DeploymentStage? CurrentStage,
    DateTimeOffset? CurrentStageStartedAt,
    IReadOnlyList<DeploymentStage> SucceededStages,
    DeploymentStage? FailedStage,
    string? Error,
    string? CancelledBy,
    DateTimeOffset? QueuedAt,
    DateTimeOffset? FinishedAt)
{
    public static DeploymentState Initial { get; } = new(
        Guid.Empty, Guid.Empty, "", ContainerKind.Dev, null, [], DeploymentStatus.None, null, null, [], null, null, null, null, null);

    public bool Exists => Status != DeploymentStatus.None;

    public bool IsTerminal => Status is DeploymentStatus.Succeeded or DeploymentStatus.Failed or DeploymentStatus.Cancelled;
}
