using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Decisions;
using ZeroLagHub.Domain.Deployments;
using static ZeroLagHub.Domain.Tests.Containers.Scenario;

namespace ZeroLagHub.Domain.Tests.Deployments;

public sealed class DeploymentTests
{
    private static readonly DeploymentStage[] DevStages =
    [
        DeploymentStage.CreateContainer, DeploymentStage.WaitForAgent, DeploymentStage.InstallRuntime,
        DeploymentStage.InstallAddons, DeploymentStage.StartCodeServer, DeploymentStage.Ready,
    ];

    private static readonly DeploymentStage[] GameStages =
    [
        DeploymentStage.CreateContainer, DeploymentStage.WaitForAgent, DeploymentStage.InstallRuntime,
        DeploymentStage.InstallServerFiles, DeploymentStage.StartServer,
    ];

    private static Decision Decide(DeploymentState state, DeploymentCommand command, DateTimeOffset? now = null) =>
        Deployment.Decide(state, command, As(Alice, now ?? T0));

    /// <summary>Applies an accepted decision, as the handler would append it.</summary>
    private static DeploymentState Apply(DeploymentState state, DeploymentCommand command, DateTimeOffset? now = null)
    {
        var decision = Decide(state, command, now);
        Assert.True(decision.IsAccepted, decision.Rejection?.Reason);
        return decision.Events.Aggregate(state, Deployment.Evolve);
    }

    private static DeploymentState Queued(bool game = false) =>
        Apply(DeploymentState.Initial, new QueueDeployment(DeploymentId, ContainerId, game ? GameSpec() : DevSpec()));

    [Fact]
    public void QueueingRecordsWhoAskedForWhichContainerAndThePlanOfItsKind()
    {
        var queued = Single<DeploymentQueued>(Decide(DeploymentState.Initial, new QueueDeployment(DeploymentId, ContainerId, GameSpec())));

        Assert.Equal((DeploymentId, ContainerId, Alice, ContainerKind.Game, T0), (queued.DeploymentId, queued.ContainerId, queued.RequestedBy, queued.Kind, queued.At));
        Assert.Equal(GameStages, queued.Stages);
        Assert.Equal(DevStages, Single<DeploymentQueued>(Decide(DeploymentState.Initial, new QueueDeployment(DeploymentId, ContainerId, DevSpec()))).Stages);
    }

    [Fact]
    public void QueueingTheSameDeploymentAgainChangesNothingButReusingItsIdForAnotherContainerIsRefused()
    {
        NothingToDo(Decide(Queued(), new QueueDeployment(DeploymentId, ContainerId, DevSpec())));
        Rejected(Decide(Queued(), new QueueDeployment(DeploymentId, Guid.NewGuid(), DevSpec())), RejectionKind.InvalidTransition);
    }

    [Fact]
    public void StepsOnADeploymentThatDoesNotExistAreNotFound()
    {
        Rejected(Decide(DeploymentState.Initial, new StartStage(DeploymentStage.CreateContainer)), RejectionKind.NotFound);
        Rejected(Decide(DeploymentState.Initial, new CancelDeployment()), RejectionKind.NotFound);
        Assert.Null(Deployment.NextStage(DeploymentState.Initial));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ARunFollowsNextStageThroughEveryStageToSuccess(bool game)
    {
        var state = Queued(game);
        var ran = new List<DeploymentStage>();
        var now = T0;

        while (Deployment.NextStage(state) is { } stage)
        {
            ran.Add(stage);
            state = Apply(state, new StartStage(stage), now = now.AddSeconds(1));
            Assert.Equal(stage, Deployment.NextStage(state));
            state = Apply(state, new CompleteStage(stage, [$"{stage} done"]), now = now.AddSeconds(2));
        }

        Assert.Equal(game ? GameStages : DevStages, ran);
        Assert.Equal(DeploymentStatus.Succeeded, state.Status);
        Assert.Equal(now, state.FinishedAt);
        Assert.Equal(ran, state.SucceededStages);
    }

    [Fact]
    public void ASucceededStageRecordsItsDurationAndLogTail()
    {
        var state = Apply(Queued(), new StartStage(DeploymentStage.CreateContainer), T0.AddSeconds(1));

        var succeeded = Single<StageSucceeded>(Decide(state, new CompleteStage(DeploymentStage.CreateContainer, ["vmid 101"]), T0.AddSeconds(4)));

        Assert.Equal(DeploymentStage.CreateContainer, succeeded.Stage);
        Assert.Equal(TimeSpan.FromSeconds(3), succeeded.Duration);
        Assert.Equal(["vmid 101"], succeeded.LogTail);
    }

    [Fact]
    public void TheLastStagesSuccessAlsoRecordsTheDeploymentsSuccessWithItsTotalDuration()
    {
        var state = RunUpTo(Queued(game: true), DeploymentStage.StartServer);
        state = Apply(state, new StartStage(DeploymentStage.StartServer), T0.AddMinutes(2));

        var decision = Decide(state, new CompleteStage(DeploymentStage.StartServer, []), T0.AddMinutes(3));

        Assert.Collection(decision.Events,
            e => Assert.IsType<StageSucceeded>(e),
            e => Assert.Equal(new DeploymentSucceeded(T0.AddMinutes(3), TimeSpan.FromMinutes(3)), e));
    }

    [Fact]
    public void AStageThatIsNotNextCannotStart()
    {
        var reason = Rejected(Decide(Queued(), new StartStage(DeploymentStage.InstallRuntime)), RejectionKind.InvalidTransition).Reason;
        Assert.Equal("stage install_runtime is not next; create_container is", reason);
    }

    [Fact]
    public void AStageOfTheOtherKindIsNotPartOfTheDeployment()
    {
        var dev = RunUpTo(Queued(), DeploymentStage.Ready);
        dev = Apply(dev, new StartStage(DeploymentStage.Ready));
        dev = Apply(dev, new CompleteStage(DeploymentStage.Ready, []));
        Rejected(Decide(dev, new StartStage(DeploymentStage.StartServer)), RejectionKind.InvalidTransition);

        var reason = Rejected(Decide(Queued(), new StartStage(DeploymentStage.StartServer)), RejectionKind.InvalidTransition).Reason;
        Assert.Contains("create_container is", reason);
    }

    [Fact]
    public void AStageCannotStartWhileAnotherRuns()
    {
        var state = Apply(Queued(), new StartStage(DeploymentStage.CreateContainer));
        var reason = Rejected(Decide(state, new StartStage(DeploymentStage.WaitForAgent)), RejectionKind.InvalidTransition).Reason;
        Assert.Contains("create_container is still running", reason);
    }

    [Fact]
    public void AStageThatHasNotStartedCannotSucceedOrFail()
    {
        Assert.Equal("stage create_container has not started",
            Rejected(Decide(Queued(), new CompleteStage(DeploymentStage.CreateContainer, [])), RejectionKind.InvalidTransition).Reason);
        Rejected(Decide(Queued(), new FailStage(DeploymentStage.CreateContainer, "x", [])), RejectionKind.InvalidTransition);
    }

    [Fact]
    public void OnlyTheRunningStageCanSucceed()
    {
        var state = Apply(Queued(), new StartStage(DeploymentStage.CreateContainer));
        Assert.Equal("stage wait_for_agent is not running; create_container is",
            Rejected(Decide(state, new CompleteStage(DeploymentStage.WaitForAgent, [])), RejectionKind.InvalidTransition).Reason);
    }

    // -- at-least-once: repeats of what is recorded change nothing ---------------------------------

    [Fact]
    public void ARepeatedStageSuccessIsAcceptedWithNoEvents()
    {
        var state = Apply(Queued(), new StartStage(DeploymentStage.CreateContainer));
        state = Apply(state, new CompleteStage(DeploymentStage.CreateContainer, []));

        NothingToDo(Decide(state, new CompleteStage(DeploymentStage.CreateContainer, [])));
        // ...and after the next stage has started too.
        state = Apply(state, new StartStage(DeploymentStage.WaitForAgent));
        NothingToDo(Decide(state, new CompleteStage(DeploymentStage.CreateContainer, [])));
    }

    [Fact]
    public void ARepeatedStageStartIsAcceptedWithNoEvents()
    {
        var state = Apply(Queued(), new StartStage(DeploymentStage.CreateContainer));
        NothingToDo(Decide(state, new StartStage(DeploymentStage.CreateContainer)));

        state = Apply(state, new CompleteStage(DeploymentStage.CreateContainer, []));
        NothingToDo(Decide(state, new StartStage(DeploymentStage.CreateContainer)));
    }

    [Fact]
    public void TheLastStagesRepeatedSuccessAfterTheDeploymentSucceededChangesNothing()
    {
        var state = RunToSuccess(Queued());
        NothingToDo(Decide(state, new CompleteStage(DeploymentStage.Ready, [])));
        NothingToDo(Decide(state, new StartStage(DeploymentStage.Ready)));
    }

    [Fact]
    public void ARepeatedFailureOfTheSameStageChangesNothing()
    {
        var state = Apply(Queued(), new StartStage(DeploymentStage.CreateContainer));
        state = Apply(state, new FailStage(DeploymentStage.CreateContainer, "no free vmid", ["pvesh: error"]));

        NothingToDo(Decide(state, new FailStage(DeploymentStage.CreateContainer, "no free vmid", [])));
    }

    // -- failure, cancellation and terminal states -------------------------------------------------

    [Fact]
    public void AFailedStageFailsTheDeploymentWithTheStageAndError()
    {
        var state = RunUpTo(Queued(), DeploymentStage.InstallRuntime);
        state = Apply(state, new StartStage(DeploymentStage.InstallRuntime), T0.AddSeconds(10));

        var decision = Decide(state, new FailStage(DeploymentStage.InstallRuntime, "checksum mismatch", ["sha256 differs"]), T0.AddSeconds(15));

        Assert.Collection(decision.Events,
            e =>
            {
                var failed = Assert.IsType<StageFailed>(e);
                Assert.Equal((DeploymentStage.InstallRuntime, TimeSpan.FromSeconds(5), "checksum mismatch"), (failed.Stage, failed.Duration, failed.Error));
                Assert.Equal(["sha256 differs"], failed.LogTail);
            },
            e => Assert.Equal(new DeploymentFailed(DeploymentStage.InstallRuntime, "checksum mismatch", T0.AddSeconds(15)), e));

        state = decision.Events.Aggregate(state, Deployment.Evolve);
        Assert.Equal(DeploymentStatus.Failed, state.Status);
        Assert.Equal(DeploymentStage.InstallRuntime, state.FailedStage);
        Assert.Null(Deployment.NextStage(state));
    }

    [Fact]
    public void NothingNewHappensAfterAFailure()
    {
        var state = Apply(Queued(), new StartStage(DeploymentStage.CreateContainer));
        state = Apply(state, new FailStage(DeploymentStage.CreateContainer, "no free vmid", []));

        Assert.Equal("the deployment already failed at create_container",
            Rejected(Decide(state, new StartStage(DeploymentStage.WaitForAgent)), RejectionKind.InvalidTransition).Reason);
        Rejected(Decide(state, new CompleteStage(DeploymentStage.CreateContainer, [])), RejectionKind.InvalidTransition);
        Rejected(Decide(state, new CancelDeployment()), RejectionKind.InvalidTransition);
    }

    [Fact]
    public void NothingNewHappensAfterSuccess()
    {
        var state = RunToSuccess(Queued());
        Assert.Equal("the deployment already succeeded",
            Rejected(Decide(state, new CancelDeployment()), RejectionKind.InvalidTransition).Reason);
        Rejected(Decide(state, new FailStage(DeploymentStage.Ready, "late", [])), RejectionKind.InvalidTransition);
        Assert.Null(Deployment.NextStage(state));
    }

    [Fact]
    public void CancellingRecordsWhoCancelledAndStopsTheProcessManager()
    {
        var state = Apply(Queued(), new StartStage(DeploymentStage.CreateContainer));

        var cancelled = Single<DeploymentCancelled>(Decide(state, new CancelDeployment(), T0.AddMinutes(1)));
        Assert.Equal(new DeploymentCancelled(Alice, T0.AddMinutes(1)), cancelled);

        state = Deployment.Evolve(state, cancelled);
        Assert.Equal(DeploymentStatus.Cancelled, state.Status);
        Assert.Null(Deployment.NextStage(state));
        // The stage that was running when it was cancelled: its redelivered start and its outcome are refused.
        Assert.Equal("the deployment was cancelled",
            Rejected(Decide(state, new StartStage(DeploymentStage.CreateContainer)), RejectionKind.InvalidTransition).Reason);
        Rejected(Decide(state, new CompleteStage(DeploymentStage.CreateContainer, [])), RejectionKind.InvalidTransition);
        NothingToDo(Decide(state, new CancelDeployment()));
    }

    [Fact]
    public void AQueuedDeploymentCanBeCancelledBeforeItsFirstStage()
    {
        Single<DeploymentCancelled>(Decide(Queued(), new CancelDeployment()));
    }

    [Fact]
    public void NextStageResumesTheStageInProgressAfterARestart()
    {
        var state = RunUpTo(Queued(), DeploymentStage.InstallAddons);
        state = Apply(state, new StartStage(DeploymentStage.InstallAddons));

        Assert.Equal(DeploymentStage.InstallAddons, Deployment.NextStage(state));
        Assert.Equal(DeploymentStatus.Running, state.Status);
    }

    [Fact]
    public void StageNamesAreTheStableSnakeCaseStrings()
    {
        Assert.Equal(
            ["create_container", "wait_for_agent", "install_runtime", "install_addons", "start_code_server", "ready", "install_server_files", "start_server"],
            Enum.GetValues<DeploymentStage>().Select(DeploymentPlan.Name));
        Assert.Equal("\"install_server_files\"", System.Text.Json.JsonSerializer.Serialize(DeploymentStage.InstallServerFiles));
    }

    private static DeploymentState RunUpTo(DeploymentState state, DeploymentStage stop)
    {
        while (Deployment.NextStage(state) is { } stage && stage != stop)
        {
            state = Apply(state, new StartStage(stage));
            state = Apply(state, new CompleteStage(stage, []));
        }
        return state;
    }

    private static DeploymentState RunToSuccess(DeploymentState state)
    {
        state = RunUpTo(state, (DeploymentStage)(-1));
        Assert.Equal(DeploymentStatus.Succeeded, state.Status);
        return state;
    }
}
