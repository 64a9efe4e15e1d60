namespace ZeroLagHub.Cli.Api;

/// <summary>One deployment with its stages (<c>GET /api/deployments/{id}</c>).</summary>
public sealed record DeploymentInfo(
    Guid Id, Guid ContainerId, string RequestedBy, string Kind, string Status, DateTimeOffset QueuedAt, DateTimeOffset? FinishedAt,
    double? DurationSeconds, string? FailedStage, string? Error, string? CancelledBy, IReadOnlyList<DeploymentStageInfo> Stages)
{
    public bool Finished => Status is "succeeded" or "failed" or "cancelled";
}
