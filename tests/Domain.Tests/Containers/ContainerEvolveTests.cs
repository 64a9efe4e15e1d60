using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Deployments;
using ZeroLagHub.Domain.Servers;
using static ZeroLagHub.Domain.Tests.Containers.Scenario;

namespace ZeroLagHub.Domain.Tests.Containers;

public sealed class ContainerEvolveTests
{
    private static readonly Guid Instance1 = Guid.Parse("6f1c2a34-0000-4000-8000-0000000000a1");
    private static readonly Guid Instance2 = Guid.Parse("6f1c2a34-0000-4000-8000-0000000000a2");

    [Fact]
    public void ADevContainersProvisioningHistoryFoldsToAReadyWorkspace()
    {
        var state = Fold(
            Requested(DevSpec()),
            new ContainerCreated(101, "10.0.0.5", "pve1", T0.AddSeconds(3)),
            new AgentRegistered(Instance1, T0.AddSeconds(6)),
            new RuntimeInstallStarted("node", "24", T0.AddSeconds(7)),
            new RuntimeInstallSucceeded("node", "24", ["extracted"], T0.AddSeconds(12)),
            new AddonInstalled("code-server", "4.100.0", T0.AddSeconds(20)),
            new CodeServerStarted(T0.AddSeconds(22)),
            new DevEnvironmentReady(T0.AddSeconds(23)),
            new ProvisioningSucceeded(DeploymentId, T0.AddSeconds(23)));

        Assert.True(state.Exists);
        Assert.Equal(ContainerId, state.Id);
        Assert.Equal(Alice, state.Owner);
        Assert.Equal(ContainerKind.Dev, state.Kind);
        Assert.Equal(ContainerLifecycle.Ready, state.Lifecycle);
        Assert.Equal(DeploymentId, state.CurrentDeploymentId);
        Assert.Equal((101, "10.0.0.5", "pve1"), (state.Vmid, state.Address, state.Host));
        Assert.True(state.AgentOnline);
        Assert.Equal(Instance1, state.AgentInstanceId);
        Assert.True(state.RuntimeInstalled);
        Assert.Equal(("node", "24"), (state.InstalledRuntime, state.InstalledVersion));
        Assert.Equal(["code-server@4.100.0"], state.InstalledAddons);
        Assert.True(state.CodeServerRunning);
        Assert.True(state.DevEnvironmentReady);
        Assert.Equal(GameServerState.Offline, state.Server);
        Assert.Equal(T0, state.CreatedAt);
        Assert.Equal(T0.AddSeconds(23), state.UpdatedAt);
    }

    [Fact]
    public void AGameServersLifeWithCrashesRestartsAndAnErrorFoldsToWhatTheStatusPageShows()
    {
        var crash = new ServerCrashed(T0.AddMinutes(12), 137, 9, 4.5, ["java.lang.OutOfMemoryError"], CrashClassification.Oom);
        var state = Fold(Provisioned(GameSpec())).With(
            new ServerFilesInstalled(T0.AddMinutes(1)),
            new ServerStartRequested(Alice, Guid.NewGuid(), T0.AddMinutes(2)));
        Assert.Equal(GameServerState.Starting, state.Server);

        state = state.With(
            new ServerStarted(T0.AddMinutes(3)),
            new ServerCrashed(T0.AddMinutes(10), 1, null, 420, ["boom"], CrashClassification.ModOrPluginError),
            new RestartScheduled(TimeSpan.FromSeconds(30), T0.AddMinutes(10)));
        Assert.Equal(GameServerState.Restarting, state.Server);
        Assert.Equal(1, state.ConsecutiveCrashes);

        state = state.With(
            new ServerStarted(T0.AddMinutes(11)),
            new ServerCrashed(T0.AddMinutes(11).AddSeconds(5), 137, 9, 5, ["x"], CrashClassification.Oom),
            new RestartScheduled(TimeSpan.FromSeconds(60), T0.AddMinutes(11)),
            new ServerStarted(T0.AddMinutes(12)),
            crash);
        // Both crashes after the first came from runs shorter than 30 s: one loop.
        Assert.Equal(3, state.ConsecutiveCrashes);
        Assert.Equal(GameServerState.Crashed, state.Server);
        Assert.Same(crash, state.LastCrash);

        state = state.With(new EnteredError("crashed 3 times in a row; start it again once fixed", T0.AddMinutes(12)));
        Assert.Equal(GameServerState.Error, state.Server);
        Assert.Equal(2, state.RestartCount);
        Assert.Equal("crashed 3 times in a row; start it again once fixed", state.ServerError);
        Assert.Equal(ContainerLifecycle.Ready, state.Lifecycle);
    }

    [Fact]
    public void ACrashAfterALongRunStartsTheConsecutiveCountAgain()
    {
        var state = ReadyGame().With(
            new ServerCrashed(T0, 1, null, 2, [], CrashClassification.NonzeroExit),
            new ServerCrashed(T0, 1, null, 3, [], CrashClassification.NonzeroExit));
        Assert.Equal(2, state.ConsecutiveCrashes);

        state = state.With(new ServerCrashed(T0, 1, null, Container.CrashLoopResetUptimeSeconds, [], CrashClassification.NonzeroExit));
        Assert.Equal(1, state.ConsecutiveCrashes);
    }

    [Fact]
    public void AUserStopIsNotACrash()
    {
        var state = ReadyGame().With(
            new ServerStarted(T0),
            new ServerStopRequested(Alice, Guid.NewGuid(), T0.AddMinutes(1)));
        Assert.Equal(GameServerState.Stopping, state.Server);

        state = state.With(new ServerStopped(T0.AddMinutes(2)));
        Assert.Equal(GameServerState.Offline, state.Server);
        Assert.Null(state.LastCrash);
        Assert.Equal(0, state.ConsecutiveCrashes);
    }

    [Fact]
    public void TheAgentGoingOfflineAndComingBackIsTracked()
    {
        var state = ReadyDev().With(new AgentWentOffline(T0.AddMinutes(1)));
        Assert.False(state.AgentOnline);

        state = state.With(new AgentCameBack(Instance1, T0.AddMinutes(2)));
        Assert.True(state.AgentOnline);

        state = state.With(new AgentRestarted(Instance1, Instance2, T0.AddMinutes(3)));
        Assert.Equal(Instance2, state.AgentInstanceId);
    }

    [Fact]
    public void StoppingTheContainerTakesItsAgentAndProcessesDownAndStartingMakesItReady()
    {
        var state = ReadyDev().With(new CodeServerStarted(T0), new ContainerStopped(Alice, T0.AddMinutes(1)));
        Assert.Equal(ContainerLifecycle.Stopped, state.Lifecycle);
        Assert.False(state.AgentOnline);
        Assert.False(state.CodeServerRunning);

        state = state.With(new ContainerStarted(Alice, T0.AddMinutes(2)));
        Assert.Equal(ContainerLifecycle.Ready, state.Lifecycle);
    }

    [Fact]
    public void AFailedInstallIsKeptUntilAnInstallSucceeds()
    {
        var failure = new RuntimeInstallFailed("node", "24", "checksum mismatch", ["sha256 differs"], T0);
        var state = Fold(Requested(DevSpec())).With(
            failure,
            new ProvisioningFailed(DeploymentId, DeploymentStage.InstallRuntime, "checksum mismatch", T0));
        Assert.Equal(ContainerLifecycle.Error, state.Lifecycle);
        Assert.Same(failure, state.LastInstallFailure);
        Assert.False(state.RuntimeInstalled);

        var second = Guid.NewGuid();
        state = state.With(
            new ReprovisionRequested(second, Alice, T0.AddMinutes(1)),
            new RuntimeInstallSucceeded("node", "24", [], T0.AddMinutes(2)),
            new ProvisioningSucceeded(second, T0.AddMinutes(3)));
        Assert.Equal(ContainerLifecycle.Ready, state.Lifecycle);
        Assert.Null(state.LastInstallFailure);
        Assert.Null(state.ErrorReason);
        Assert.Equal(second, state.CurrentDeploymentId);
    }

    [Fact]
    public void ALateOutcomeOfASupersededDeploymentDoesNotOverwriteTheCurrentOne()
    {
        var second = Guid.NewGuid();
        var state = Fold(Requested(DevSpec()))
            .With(new ProvisioningFailed(DeploymentId, DeploymentStage.WaitForAgent, "timeout", T0))
            .With(new ReprovisionRequested(second, Alice, T0.AddMinutes(1)))
            .With(new ProvisioningSucceeded(DeploymentId, T0.AddMinutes(2)));

        Assert.Equal(ContainerLifecycle.Provisioning, state.Lifecycle);
    }

    [Fact]
    public void AgentReportsIngestedAfterDeletionDoNotBringTheContainerBack()
    {
        var state = ReadyDev().With(
            new ContainerDeleted(Alice, T0.AddMinutes(1)),
            new AgentCameBack(Instance1, T0.AddMinutes(2)),
            new ContainerStarted(Alice, T0.AddMinutes(2)),
            new ProvisioningSucceeded(DeploymentId, T0.AddMinutes(3)));

        Assert.Equal(ContainerLifecycle.Deleted, state.Lifecycle);
    }

    [Fact]
    public void AnUnknownEventLeavesTheStateUnchanged()
    {
        var state = ReadyDev();
        Assert.Same(state, Container.Evolve(state, new { Kind = "from.a.newer.build" }));
        Assert.Same(state, Container.Evolve(state, new StageStarted(DeploymentStage.Ready, T0)));
    }

    [Fact]
    public void ReinstallingAnAddonAtAnotherVersionReplacesIt()
    {
        var state = ReadyDev().With(
            new AddonInstalled("code-server", "4.96.4", T0),
            new AddonInstalled("code-server", "4.96.4", T0),
            new AddonInstalled("code-server", "4.100.0", T0));
        Assert.Equal(["code-server@4.100.0"], state.InstalledAddons);
    }
}
