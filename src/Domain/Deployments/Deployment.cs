using ZeroLagHub.Domain.Decisions;

namespace ZeroLagHub.Domain.Deployments;

/// <summary>
/// The deployment aggregate: one stream per provisioning run, driven stage by stage by the process
/// manager. The process manager delivers at least once, so every step that repeats what is already
/// recorded is accepted with no events; a step out of order, or new work after the end, is refused.
/// </summary>
public static class Deployment
{
    public static string StreamId(Guid deploymentId) => deploymentId.ToString("D");

    public static DeploymentState Evolve(DeploymentState state, object @event) => @event switch
    {
        DeploymentQueued e => state with
        {
            Id = e.DeploymentId, ContainerId = e.ContainerId, RequestedBy = e.RequestedBy, Kind = e.Kind, Spec = e.Spec,
            Stages = e.Stages, Status = DeploymentStatus.Queued, QueuedAt = e.At,
        },
        StageStarted e => state with { Status = DeploymentStatus.Running, CurrentStage = e.Stage, CurrentStageStartedAt = e.At },
        StageSucceeded e => state with
        {
            CurrentStage = null, CurrentStageStartedAt = null,
            SucceededStages = state.SucceededStages.Contains(e.Stage) ? state.SucceededStages : [.. state.SucceededStages, e.Stage],
        },
        StageFailed e => state with { CurrentStage = null, CurrentStageStartedAt = null, FailedStage = e.Stage, Error = e.Error },
        DeploymentSucceeded e => state with { Status = DeploymentStatus.Succeeded, FinishedAt = e.At },
        DeploymentFailed e => state with { Status = DeploymentStatus.Failed, FailedStage = e.Stage, Error = e.Error, FinishedAt = e.At },
        DeploymentCancelled e => state with { Status = DeploymentStatus.Cancelled, CancelledBy = e.By, FinishedAt = e.At },
        _ => state,
    };

    /// <summary>
    /// What the process manager should work on: the stage in progress (re-run it: every stage is
    /// idempotent), else the first stage not yet succeeded; null when there is nothing left to do
    /// (the deployment finished, failed, was cancelled, or does not exist).
    /// </summary>
    public static DeploymentStage? NextStage(DeploymentState state)
    {
        if (!state.Exists || state.IsTerminal) return null;
        if (state.CurrentStage is { } current) return current;
        foreach (var stage in state.Stages)
            if (!state.SucceededStages.Contains(stage)) return stage;
        return null;
    }

    public static Decision Decide(DeploymentState state, DeploymentCommand command, DecisionContext context)
    {
        if (command is QueueDeployment queue) return Queue(state, queue, context);
        if (!state.Exists) return Rejection.NotFound("no deployment with that id");

        return command switch
        {
            StartStage c => Start(state, c.Stage, context.Now),
            CompleteStage c => Complete(state, c, context.Now),
            FailStage c => Fail(state, c, context.Now),
            CancelDeployment => Cancel(state, context),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "no decision for this deployment command"),
        };
    }

    private static Decision Queue(DeploymentState state, QueueDeployment queue, DecisionContext context)
    {
        if (state.Exists)
            return state.ContainerId == queue.ContainerId
                ? Decision.AlreadyDone
                : Rejection.InvalidTransition("a deployment with this id already exists for another container");
        return Decision.Accept(new DeploymentQueued(
            queue.DeploymentId, queue.ContainerId, context.Actor.UserId, queue.Spec.Kind, queue.Spec,
            DeploymentPlan.For(queue.Spec.Kind), context.Now));
    }

    private static Decision Start(DeploymentState state, DeploymentStage stage, DateTimeOffset now)
    {
        if (state.SucceededStages.Contains(stage)) return Decision.AlreadyDone;
        // Before the in-progress check: a cancelled deployment keeps its last stage as current, and
        // a redelivered start of it must stop the process manager, not resume the work.
        if (Ended(state) is { } ended) return ended;
        if (state.CurrentStage == stage) return Decision.AlreadyDone;
        var next = NextStage(state);
        if (next != stage)
            return Rejection.InvalidTransition(state.CurrentStage is { } running
                ? $"stage {DeploymentPlan.Name(running)} is still running; {DeploymentPlan.Name(stage)} cannot start"
                : next is { } expected
                    ? $"stage {DeploymentPlan.Name(stage)} is not next; {DeploymentPlan.Name(expected)} is"
                    : $"stage {DeploymentPlan.Name(stage)} is not part of this deployment");
        return Decision.Accept(new StageStarted(stage, now));
    }

    private static Decision Complete(DeploymentState state, CompleteStage command, DateTimeOffset now)
    {
        if (state.SucceededStages.Contains(command.Stage)) return Decision.AlreadyDone;
        if (Ended(state) is { } ended) return ended;
        if (NotRunning(state, command.Stage) is { } notRunning) return notRunning;

        var succeeded = new StageSucceeded(command.Stage, now, Elapsed(state, now), command.LogTail ?? []);
        var isLast = state.Stages.All(s => s == command.Stage || state.SucceededStages.Contains(s));
        return isLast
            ? Decision.Accept(succeeded, new DeploymentSucceeded(now, now - (state.QueuedAt ?? now)))
            : Decision.Accept(succeeded);
    }

    private static Decision Fail(DeploymentState state, FailStage command, DateTimeOffset now)
    {
        if (state.Status == DeploymentStatus.Failed && state.FailedStage == command.Stage) return Decision.AlreadyDone;
        if (Ended(state) is { } ended) return ended;
        if (NotRunning(state, command.Stage) is { } notRunning) return notRunning;

        return Decision.Accept(
            new StageFailed(command.Stage, now, Elapsed(state, now), command.Error, command.LogTail ?? []),
            new DeploymentFailed(command.Stage, command.Error, now));
    }

    private static Decision Cancel(DeploymentState state, DecisionContext context) => state.Status switch
    {
        DeploymentStatus.Cancelled => Decision.AlreadyDone,
        DeploymentStatus.Succeeded or DeploymentStatus.Failed => Ended(state)!,
        _ => Decision.Accept(new DeploymentCancelled(context.Actor.UserId, context.Now)),
    };

    private static Rejection? Ended(DeploymentState state) => state.Status switch
    {
        DeploymentStatus.Succeeded => Rejection.InvalidTransition("the deployment already succeeded"),
        DeploymentStatus.Failed => Rejection.InvalidTransition($"the deployment already failed at {DeploymentPlan.Name(state.FailedStage!.Value)}"),
        DeploymentStatus.Cancelled => Rejection.InvalidTransition("the deployment was cancelled"),
        _ => null,
    };

    private static Rejection? NotRunning(DeploymentState state, DeploymentStage stage) =>
        state.CurrentStage == stage
            ? null
            : Rejection.InvalidTransition(state.CurrentStage is { } running
                ? $"stage {DeploymentPlan.Name(stage)} is not running; {DeploymentPlan.Name(running)} is"
                : $"stage {DeploymentPlan.Name(stage)} has not started");

    private static TimeSpan Elapsed(DeploymentState state, DateTimeOffset now) =>
        state.CurrentStageStartedAt is { } started && now > started ? now - started : TimeSpan.Zero;
}
