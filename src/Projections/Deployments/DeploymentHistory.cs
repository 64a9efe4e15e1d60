using ZeroLagHub.Domain.Deployments;

namespace ZeroLagHub.Projections.Deployments;

/// <summary>Folds deployment events into a <see cref="DeploymentHistoryRow"/>: pure, so a rebuild gives the same rows.</summary>
public static class DeploymentHistory
{
    public static DeploymentHistoryRow? Apply(DeploymentHistoryRow? row, object @event) => (row, @event) switch
    {
        (null, DeploymentQueued q) => new DeploymentHistoryRow(q.DeploymentId, q.ContainerId, q.RequestedBy, q.Kind, "queued", q.At,
            null, null, null, null, null, [.. q.Stages.Select(s => new DeploymentStageRow(s, "pending", null, null, null, null, []))]),
        (null, _) => null,
        (_, StageStarted s) => Stage(row, s.Stage, st => st with { Status = "running", StartedAt = s.At }) with { Status = "running" },
        (_, StageSucceeded s) => Stage(row, s.Stage, st => st with
        {
            Status = "succeeded", FinishedAt = s.At, DurationSeconds = s.Duration.TotalSeconds, LogTail = s.LogTail,
        }),
        (_, StageFailed s) => Stage(row, s.Stage, st => st with
        {
            Status = "failed", FinishedAt = s.At, DurationSeconds = s.Duration.TotalSeconds, Error = s.Error, LogTail = s.LogTail,
        }),
        (_, DeploymentSucceeded s) => row with { Status = "succeeded", FinishedAt = s.At, DurationSeconds = s.Duration.TotalSeconds },
        (_, DeploymentFailed f) => row with
        {
            Status = "failed", FinishedAt = f.At, DurationSeconds = (f.At - row.QueuedAt).TotalSeconds,
            FailedStage = DeploymentPlan.Name(f.Stage), Error = f.Error,
        },
        (_, DeploymentCancelled c) => row with
        {
            Status = "cancelled", FinishedAt = c.At, DurationSeconds = (c.At - row.QueuedAt).TotalSeconds, CancelledBy = c.By,
        },
        _ => row,
    };

    private static DeploymentHistoryRow Stage(DeploymentHistoryRow row, DeploymentStage stage, Func<DeploymentStageRow, DeploymentStageRow> change) =>
        row with { Stages = [.. row.Stages.Select(s => s.Name == stage ? change(s) : s)] };
}
