using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Domain.Deployments;
using ZeroLagHub.Domain.Servers;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Api.Tests.Status;

/// <summary>The status fold, event by event, without a database.</summary>
public sealed class ContainerStatusEvolveTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-23T08:00:00Z");
    private static readonly Guid Id = Guid.Parse("6f1c2a34-0000-4000-8000-000000000001");
    private static readonly Guid Deployment = Guid.Parse("6f1c2a34-0000-4000-8000-0000000000d1");
    private static readonly Guid Instance = Guid.Parse("6f1c2a34-0000-4000-8000-0000000000a1");

    private static ContainerSpec Spec(ContainerKind kind) => kind == ContainerKind.Dev
        ? new(kind, "my-dev", "node", "24", ["code-server"], null, new ContainerResources())
        : new(kind, "my-game", "java", "21", [], new ServerSpec("java", ["-jar", "server.jar"]), new ContainerResources());

    /// <summary>Folds the events at positions 1, 2, 3…</summary>
    private static ContainerStatus Fold(params object[] events)
    {
        ContainerStatus? status = null;
        for (var i = 0; i < events.Length; i++) status = ContainerStatus.Evolve(status, events[i], i + 1);
        return status!;
    }

    private static object[] Provisioned(ContainerKind kind) =>
    [
        new ContainerRequested(Id, "alice", kind, Spec(kind), Deployment, T0),
        new ContainerCreated(101, "127.0.0.1", "local", T0.AddSeconds(1)),
        new AgentRegistered(Instance, T0.AddSeconds(2)),
        new ProvisioningSucceeded(Deployment, T0.AddSeconds(30)),
    ];

    private static ServerCrashed Crash(double at, CrashClassification classification = CrashClassification.Oom) =>
        new(T0.AddMinutes(at), null, 9, 40, ["Killed"], classification);

    [Fact]
    public void EventsBeforeTheRequestMakeNoRowAndTheRequestShowsProvisioningWithTheRequestedRuntime()
    {
        Assert.Null(ContainerStatus.Evolve(null, new AgentWentOffline(T0), 1));

        var status = Fold(new ContainerRequested(Id, "alice", ContainerKind.Dev, Spec(ContainerKind.Dev), Deployment, T0));

        Assert.Equal(ContainerStatusState.Provisioning, status.State);
        Assert.Equal(("alice", ContainerKind.Dev, "node", "24"), (status.Owner, status.Kind, status.Runtime, status.RuntimeVersion));
        Assert.Equal(Deployment, status.CurrentDeploymentId);
        Assert.False(status.AgentOnline);
    }

    [Fact]
    public void ADevContainerIsRunningWhileItsAgentIsUpAndOfflineWhenItIsNot()
    {
        var running = Fold([.. Provisioned(ContainerKind.Dev), new RuntimeInstallSucceeded("node", "24.1", [], T0.AddSeconds(9)),
            new CodeServerStarted(T0.AddSeconds(20))]);
        Assert.Equal(ContainerStatusState.Running, running.State);
        Assert.True(running.CodeServerRunning);
        Assert.Equal("24.1", running.RuntimeVersion);

        var offline = ContainerStatus.Evolve(running, new AgentWentOffline(T0.AddMinutes(5)), 10)!;
        Assert.Equal(ContainerStatusState.Offline, offline.State);

        var back = ContainerStatus.Evolve(offline, new AgentRestarted(Instance, Guid.NewGuid(), T0.AddMinutes(6)), 11)!;
        Assert.Equal(ContainerStatusState.Running, back.State);
    }

    [Fact]
    public void ACodeServerDeathLeavesADevContainerRunningWithTheIdeDown()
    {
        var status = Fold([.. Provisioned(ContainerKind.Dev), new CodeServerStarted(T0.AddSeconds(20)), new CodeServerDied(1, ["boom"], T0.AddMinutes(2))]);

        Assert.Equal(ContainerStatusState.Running, status.State);
        Assert.False(status.CodeServerRunning);
    }

    [Fact]
    public void AGameServerIsReadyBeforeItFirstRunsAndIdleAfterAStopNotOffline()
    {
        var ready = Fold(Provisioned(ContainerKind.Game));
        Assert.Equal(ContainerStatusState.Ready, ready.State);

        var starting = ContainerStatus.Evolve(ready, new ServerStartRequested("alice", Guid.NewGuid(), T0.AddMinutes(1)), 5)!;
        Assert.Equal(ContainerStatusState.Starting, starting.State);
        var running = ContainerStatus.Evolve(starting, new ServerStarted(T0.AddMinutes(2)), 6)!;
        Assert.Equal(ContainerStatusState.Running, running.State);
        var stopping = ContainerStatus.Evolve(running, new ServerStopRequested("alice", Guid.NewGuid(), T0.AddMinutes(3)), 7)!;
        Assert.Equal(ContainerStatusState.Stopping, stopping.State);
        var idle = ContainerStatus.Evolve(stopping, new ServerStopped(T0.AddMinutes(4)), 8)!;
        Assert.Equal(ContainerStatusState.Idle, idle.State);
        Assert.True(idle.AgentOnline);
    }

    [Fact]
    public void ACrashShowsCrashedThenRestartingWithItsClassificationAndCountsTheRestart()
    {
        var running = Fold([.. Provisioned(ContainerKind.Game), new ServerStarted(T0.AddMinutes(1))]);

        var crashed = ContainerStatus.Evolve(running, Crash(5), 6)!;
        Assert.Equal(ContainerStatusState.Crashed, crashed.State);
        Assert.Equal(new CrashSummary(T0.AddMinutes(5), null, 9, CrashClassification.Oom), crashed.LastCrash);

        var restarting = ContainerStatus.Evolve(crashed, new RestartScheduled(TimeSpan.FromSeconds(30), T0.AddMinutes(5)), 7)!;
        Assert.Equal(ContainerStatusState.Restarting, restarting.State);
        Assert.Equal(1, restarting.RestartCount);
        Assert.Equal(T0.AddMinutes(5).AddSeconds(30), restarting.RestartAt);   // "restart in 30 s"

        var again = ContainerStatus.Evolve(restarting, new ServerStarted(T0.AddMinutes(6)), 8)!;
        Assert.Equal(ContainerStatusState.Running, again.State);
        Assert.Equal(CrashClassification.Oom, again.LastCrash!.Classification);   // kept after the restart
        Assert.Null(again.RestartAt);
    }

    [Fact]
    public void TheRestartTimeTravelsInTheStatusDocumentAndARowWithoutItReadsAsNone()
    {
        var crashed = ContainerStatus.Evolve(Fold([.. Provisioned(ContainerKind.Game), new ServerStarted(T0.AddMinutes(1))]), Crash(5), 6)!;
        var restarting = ContainerStatus.Evolve(crashed, new RestartScheduled(TimeSpan.FromSeconds(30), T0.AddMinutes(5)), 7)!;

        var json = System.Text.Json.JsonSerializer.Serialize(restarting, System.Text.Json.JsonSerializerOptions.Web);
        Assert.Contains("\"restartAt\":\"2026-11-23T08:05:30+00:00\"", json);
        Assert.Equal(restarting, System.Text.Json.JsonSerializer.Deserialize<ContainerStatus>(json, System.Text.Json.JsonSerializerOptions.Web));
        var older = json.Replace(",\"restartAt\":\"2026-11-23T08:05:30+00:00\"", "", StringComparison.Ordinal);
        Assert.Null(System.Text.Json.JsonSerializer.Deserialize<ContainerStatus>(older, System.Text.Json.JsonSerializerOptions.Web)!.RestartAt);
    }

    [Fact]
    public void TheSupervisorGivingUpIsAnErrorUntilAUserStartsTheServer()
    {
        var error = Fold([.. Provisioned(ContainerKind.Game), new ServerStarted(T0.AddMinutes(1)), Crash(2, CrashClassification.ModOrPluginError),
            new EnteredError("4 crashes in a row", T0.AddMinutes(2))]);
        Assert.Equal(ContainerStatusState.Error, error.State);
        Assert.Equal("4 crashes in a row", error.ServerError);
        Assert.Null(error.Error);

        var starting = ContainerStatus.Evolve(error, new ServerStartRequested("alice", Guid.NewGuid(), T0.AddMinutes(9)), 9)!;
        Assert.Equal(ContainerStatusState.Starting, starting.State);
        Assert.Null(starting.ServerError);
    }

    [Fact]
    public void AFailedProvisioningIsAnErrorWhileTheAgentStaysConnected()
    {
        var status = Fold(new ContainerRequested(Id, "alice", ContainerKind.Dev, Spec(ContainerKind.Dev), Deployment, T0),
            new AgentRegistered(Instance, T0.AddSeconds(2)),
            new ProvisioningFailed(Deployment, DeploymentStage.InstallRuntime, "sha256 mismatch", T0.AddSeconds(9)));

        Assert.Equal(ContainerStatusState.Error, status.State);
        Assert.True(status.AgentOnline);
        Assert.Equal("install_runtime failed: sha256 mismatch", status.Error);
    }

    [Fact]
    public void ALateOutcomeOfASupersededDeploymentChangesNothing()
    {
        var reprovisioning = Fold([.. Provisioned(ContainerKind.Dev), new ReprovisionRequested(Guid.NewGuid(), "alice", T0.AddMinutes(1))]);

        var after = ContainerStatus.Evolve(reprovisioning, new ProvisioningFailed(Deployment, DeploymentStage.InstallRuntime, "old", T0.AddMinutes(2)), 9);

        Assert.Same(reprovisioning, after);
        Assert.Equal(ContainerStatusState.Provisioning, after!.State);
    }

    [Fact]
    public void AStoppedContainerIsOfflineAndAStartMakesItOfflineUntilTheAgentAnswers()
    {
        var stopped = Fold([.. Provisioned(ContainerKind.Dev), new CodeServerStarted(T0.AddSeconds(20)), new ContainerStopped("alice", T0.AddMinutes(1))]);
        Assert.Equal(ContainerStatusState.Offline, stopped.State);
        Assert.False(stopped.CodeServerRunning);

        var started = ContainerStatus.Evolve(stopped, new ContainerStarted("alice", T0.AddMinutes(2)), 8)!;
        Assert.Equal(ContainerStatusState.Offline, started.State);
        Assert.Equal(ContainerLifecycle.Ready, started.Lifecycle);
    }

    [Fact]
    public void DeletedIsFinal()
    {
        var deleted = Fold([.. Provisioned(ContainerKind.Game), new ContainerDeleted("alice", T0.AddMinutes(1))]);

        Assert.Equal(ContainerStatusState.Deleted, deleted.State);
        Assert.Same(deleted, ContainerStatus.Evolve(deleted, new ServerStarted(T0.AddMinutes(2)), 9));
    }

    [Fact]
    public void ThePositionIsTheChangeIdAndMovesOnlyWhenTheStatusChanged()
    {
        var running = Fold([.. Provisioned(ContainerKind.Dev), new CodeServerStarted(T0.AddSeconds(20))]);
        Assert.Equal(5, running.Position);
        Assert.Equal(T0.AddSeconds(20), running.ChangedAt);

        // A repeated report (the deployment and the journal both say code-server started) is no change.
        Assert.Same(running, ContainerStatus.Evolve(running, new CodeServerStarted(T0.AddSeconds(21)), 6));
        Assert.Same(running, ContainerStatus.Evolve(running, new AddonInstalled("x", "1", T0.AddSeconds(22)), 7));
        Assert.Equal(8, ContainerStatus.Evolve(running, new CodeServerStopped(T0.AddSeconds(23)), 8)!.Position);
    }
}
