using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Decisions;
using ZeroLagHub.Domain.Deployments;
using static ZeroLagHub.Domain.Tests.Containers.Scenario;

namespace ZeroLagHub.Domain.Tests.Containers;

public sealed class ContainerCommandTests
{
    private static readonly Guid CommandId = Guid.Parse("6f1c2a34-0000-4000-8000-0000000000c1");
    private static readonly DateTimeOffset Now = T0.AddHours(1);

    private static Decision Decide(ContainerState state, ContainerCommand command, string user = Alice, bool admin = false) =>
        Container.Decide(state, command, As(user, Now, admin));

    /// <summary>Every command that acts on an existing container.</summary>
    public static TheoryData<ContainerCommand> ExistingContainerCommands() =>
    [
        new DeleteContainer(CommandId), new StopContainer(CommandId), new StartContainer(CommandId),
        new Reprovision(CommandId, Guid.NewGuid()),
        new StartServer(CommandId), new StopServer(CommandId), new RestartServer(CommandId), new KillServer(CommandId),
        new StartCodeServer(CommandId), new StopCodeServer(CommandId), new RestartCodeServer(CommandId),
    ];

    public static TheoryData<ContainerCommand> ServerCommands() =>
        [new StartServer(CommandId), new StopServer(CommandId), new RestartServer(CommandId), new KillServer(CommandId)];

    public static TheoryData<ContainerCommand> CodeServerCommands() =>
        [new StartCodeServer(CommandId), new StopCodeServer(CommandId), new RestartCodeServer(CommandId)];

    // -- visibility --------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(ExistingContainerCommands))]
    public void EveryCommandOnAContainerThatDoesNotExistIsNotFound(ContainerCommand command)
    {
        Rejected(Decide(ContainerState.Initial, command), RejectionKind.NotFound);
    }

    [Theory]
    [MemberData(nameof(ExistingContainerCommands))]
    public void AnotherUsersContainerIsNotFoundSoItsExistenceIsNotRevealed(ContainerCommand command)
    {
        var rejection = Rejected(Decide(ReadyDev(), command, Bob), RejectionKind.NotFound);
        Assert.Equal(Rejected(Decide(ContainerState.Initial, command, Bob), RejectionKind.NotFound).Reason, rejection.Reason);
    }

    [Fact]
    public void AnAdminActsOnAnyContainerAndIsRecordedAsTheActor()
    {
        var stopped = Single<ContainerStopped>(Decide(ReadyDev(), new StopContainer(CommandId), "root", admin: true));
        Assert.Equal("root", stopped.By);
    }

    // -- deleted -----------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(ExistingContainerCommands))]
    public void ADeletedContainerRefusesEveryCommandButARepeatedDelete(ContainerCommand command)
    {
        var deleted = ReadyGame().With(new ContainerDeleted(Alice, T0.AddMinutes(5)));
        var decision = Decide(deleted, command);

        if (command is DeleteContainer) NothingToDo(decision);
        else Assert.Equal("the container was deleted", Rejected(decision, RejectionKind.InvalidTransition).Reason);
    }

    [Fact]
    public void ADeletedContainerRefusesARecreateWithTheSameId()
    {
        var deleted = ReadyDev().With(new ContainerDeleted(Alice, T0.AddMinutes(5)));
        Rejected(Decide(deleted, new CreateContainer(CommandId, ContainerId, Guid.NewGuid(), DevSpec())), RejectionKind.InvalidTransition);
    }

    [Fact]
    public void DeleteIsAcceptedWhileProvisioning()
    {
        var deleted = Single<ContainerDeleted>(Decide(Fold(Requested(DevSpec())), new DeleteContainer(CommandId)));
        Assert.Equal(new ContainerDeleted(Alice, Now), deleted);
    }

    [Fact]
    public void DeleteIsAcceptedWhenStoppedOrInError()
    {
        Single<ContainerDeleted>(Decide(ReadyDev().With(new ContainerStopped(Alice, T0)), new DeleteContainer(CommandId)));
        Single<ContainerDeleted>(Decide(Failed(), new DeleteContainer(CommandId)));
    }

    // -- dev vs game -------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(ServerCommands))]
    public void ADevContainerHasNoGameServer(ContainerCommand command)
    {
        var reason = Rejected(Decide(ReadyDev(), command), RejectionKind.InvalidTransition).Reason;
        Assert.StartsWith("a dev container has no game server; use code-server ", reason);
    }

    [Fact]
    public void StartingAServerOnADevContainerPointsToCodeServerStart()
    {
        Assert.Equal("a dev container has no game server; use code-server start",
            Rejected(Decide(ReadyDev(), new StartServer(CommandId)), RejectionKind.InvalidTransition).Reason);
    }

    [Theory]
    [MemberData(nameof(CodeServerCommands))]
    public void AGameServerHasNoCodeServer(ContainerCommand command)
    {
        var reason = Rejected(Decide(ReadyGame(), command), RejectionKind.InvalidTransition).Reason;
        Assert.StartsWith("a game server has no code-server; use server ", reason);
    }

    [Fact]
    public void KindIsCheckedBeforeLifecycleSoTheAnswerNamesTheRealProblem()
    {
        var provisioningDev = Fold(Requested(DevSpec()));
        Assert.StartsWith("a dev container has no game server",
            Rejected(Decide(provisioningDev, new StartServer(CommandId)), RejectionKind.InvalidTransition).Reason);
    }

    // -- server and code-server requests -----------------------------------------------------------

    [Fact]
    public void ServerCommandsOnAReadyGameServerRecordWhoAskedAndTheCommandId()
    {
        Assert.Equal(new ServerStartRequested(Alice, CommandId, Now), Single<ServerStartRequested>(Decide(ReadyGame(), new StartServer(CommandId))));
        Assert.Equal(new ServerStopRequested(Alice, CommandId, Now), Single<ServerStopRequested>(Decide(ReadyGame(), new StopServer(CommandId))));
        Assert.Equal(new ServerRestartRequested(Alice, CommandId, Now), Single<ServerRestartRequested>(Decide(ReadyGame(), new RestartServer(CommandId))));
        Assert.Equal(new ServerKillRequested(Alice, CommandId, Now), Single<ServerKillRequested>(Decide(ReadyGame(), new KillServer(CommandId))));
    }

    [Fact]
    public void CodeServerCommandsOnAReadyDevContainerRecordWhoAskedAndTheCommandId()
    {
        Assert.Equal(new CodeServerStartRequested(Alice, CommandId, Now), Single<CodeServerStartRequested>(Decide(ReadyDev(), new StartCodeServer(CommandId))));
        Assert.Equal(new CodeServerStopRequested(Alice, CommandId, Now), Single<CodeServerStopRequested>(Decide(ReadyDev(), new StopCodeServer(CommandId))));
        Assert.Equal(new CodeServerRestartRequested(Alice, CommandId, Now), Single<CodeServerRestartRequested>(Decide(ReadyDev(), new RestartCodeServer(CommandId))));
    }

    [Fact]
    public void StartingARunningServerIsStillForwardedBecauseTheAgentIsTheAuthority()
    {
        var running = ReadyGame().With(new ServerStarted(T0.AddMinutes(1)));
        Single<ServerStartRequested>(Decide(running, new StartServer(CommandId)));
        // ...and the running state is not disturbed by the request: no later report would move it back.
        Assert.Equal(GameServerState.Running, running.With(new ServerStartRequested(Alice, CommandId, Now)).Server);
    }

    [Fact]
    public void AServerInCrashLoopErrorCanBeStartedAgainWhichClearsTheError()
    {
        var error = ReadyGame().With(new EnteredError("crashed 3 times in a row", T0.AddMinutes(3)));
        var request = Single<ServerStartRequested>(Decide(error, new StartServer(CommandId)));

        var after = error.With(request);
        Assert.Equal(GameServerState.Starting, after.Server);
        Assert.Null(after.ServerError);
    }

    [Theory]
    [MemberData(nameof(ServerCommands))]
    public void ServerCommandsWaitForProvisioningToFinish(ContainerCommand command)
    {
        var provisioning = Fold(Requested(GameSpec()), new ContainerCreated(101, "127.0.0.1", "local", T0));
        Assert.Contains("still being provisioned", Rejected(Decide(provisioning, command), RejectionKind.InvalidTransition).Reason);
    }

    [Theory]
    [MemberData(nameof(CodeServerCommands))]
    public void CodeServerCommandsOnAStoppedContainerAskToStartItFirst(ContainerCommand command)
    {
        var stopped = ReadyDev().With(new ContainerStopped(Alice, T0.AddMinutes(1)));
        Assert.Equal("the container is stopped; start it first", Rejected(Decide(stopped, command), RejectionKind.InvalidTransition).Reason);
    }

    [Fact]
    public void ServerCommandsOnAFailedProvisioningSayWhatFailedAndWhatToDo()
    {
        var reason = Rejected(Decide(FailedGame(), new StartServer(CommandId)), RejectionKind.InvalidTransition).Reason;
        Assert.Contains("install_runtime failed: checksum mismatch", reason);
        Assert.Contains("reprovision or delete", reason);
    }

    // -- stop / start ------------------------------------------------------------------------------

    [Fact]
    public void StoppingAReadyContainerRecordsWhoStoppedIt()
    {
        Assert.Equal(new ContainerStopped(Alice, Now), Single<ContainerStopped>(Decide(ReadyDev(), new StopContainer(CommandId))));
    }

    [Fact]
    public void StoppingAStoppedContainerIsAcceptedWithNoEvents()
    {
        NothingToDo(Decide(ReadyDev().With(new ContainerStopped(Alice, T0)), new StopContainer(CommandId)));
    }

    [Fact]
    public void StartingAStoppedContainerRecordsWhoStartedIt()
    {
        var stopped = ReadyGame().With(new ContainerStopped(Alice, T0));
        Assert.Equal(new ContainerStarted(Alice, Now), Single<ContainerStarted>(Decide(stopped, new StartContainer(CommandId))));
    }

    [Fact]
    public void StartingAReadyContainerIsAcceptedWithNoEvents()
    {
        NothingToDo(Decide(ReadyGame(), new StartContainer(CommandId)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void StopAndStartWaitForProvisioning(bool stop)
    {
        ContainerCommand command = stop ? new StopContainer(CommandId) : new StartContainer(CommandId);
        Assert.Contains("still being provisioned", Rejected(Decide(Fold(Requested(DevSpec())), command), RejectionKind.InvalidTransition).Reason);
    }

    [Fact]
    public void AFailedContainerCannotBeStoppedOrStartedOnlyReprovisionedOrDeleted()
    {
        Rejected(Decide(Failed(), new StopContainer(CommandId)), RejectionKind.InvalidTransition);
        Rejected(Decide(Failed(), new StartContainer(CommandId)), RejectionKind.InvalidTransition);
    }

    // -- reprovision -------------------------------------------------------------------------------

    [Fact]
    public void ReprovisioningAFailedContainerStartsANewDeployment()
    {
        var next = Guid.NewGuid();
        Assert.Equal(new ReprovisionRequested(next, Alice, Now), Single<ReprovisionRequested>(Decide(Failed(), new Reprovision(CommandId, next))));
    }

    [Fact]
    public void ReprovisioningAReadyContainerIsAccepted()
    {
        Single<ReprovisionRequested>(Decide(ReadyGame(), new Reprovision(CommandId, Guid.NewGuid())));
    }

    [Fact]
    public void ReprovisioningWhileADeploymentRunsIsAConflictUnlessItIsThatSameDeployment()
    {
        var next = Guid.NewGuid();
        var reprovisioning = Failed().With(new ReprovisionRequested(next, Alice, T0.AddHours(1)));

        NothingToDo(Decide(reprovisioning, new Reprovision(CommandId, next)));
        Assert.Contains("already being provisioned",
            Rejected(Decide(reprovisioning, new Reprovision(CommandId, Guid.NewGuid())), RejectionKind.InvalidTransition).Reason);
    }

    [Fact]
    public void ReprovisioningAStoppedContainerAsksToStartItFirst()
    {
        var stopped = ReadyDev().With(new ContainerStopped(Alice, T0));
        Assert.Contains("start it", Rejected(Decide(stopped, new Reprovision(CommandId, Guid.NewGuid())), RejectionKind.InvalidTransition).Reason);
    }

    private static ContainerState Failed() => Fold(
        Requested(DevSpec()),
        new ContainerCreated(101, "127.0.0.1", "local", T0),
        new ProvisioningFailed(DeploymentId, DeploymentStage.InstallRuntime, "checksum mismatch", T0.AddSeconds(20)));

    private static ContainerState FailedGame() => Fold(
        Requested(GameSpec()),
        new ProvisioningFailed(DeploymentId, DeploymentStage.InstallRuntime, "checksum mismatch", T0.AddSeconds(20)));
}
