using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;
using static ZeroLagHub.Domain.Tests.Containers.Scenario;

namespace ZeroLagHub.Domain.Tests.Containers;

public sealed class AgentPresenceTests
{
    private static readonly DateTimeOffset Now = T0.AddHours(1);

    private static AgentHealth Health(Guid instance) => new("ok", ContainerId, instance, 12, "1.0.0");

    [Fact]
    public void OneFailedPollIsABlipAndTheSecondMarksTheAgentOffline()
    {
        var ready = ReadyDev();

        Assert.Null(AgentPresence.Decide(ready, null, 1, Now));
        Assert.Equal(new AgentWentOffline(Now), AgentPresence.Decide(ready, null, 2, Now));
        Assert.Equal(new AgentWentOffline(Now), AgentPresence.Decide(ready, null, 7, Now));
    }

    [Fact]
    public void AnAgentAlreadyOfflineIsNotMarkedOfflineAgain()
    {
        var offline = ReadyDev().With(new AgentWentOffline(T0.AddMinutes(5)));

        Assert.Null(AgentPresence.Decide(offline, null, 9, Now));
    }

    [Fact]
    public void TheSameInstanceAnsweringAfterOfflineCameBackAndANewOneRestarted()
    {
        var ready = ReadyDev();
        var instance = ready.AgentInstanceId!.Value;
        var offline = ready.With(new AgentWentOffline(T0.AddMinutes(5)));
        var other = Guid.NewGuid();

        Assert.Equal(new AgentCameBack(instance, Now), AgentPresence.Decide(offline, Health(instance), 0, Now));
        Assert.Equal(new AgentRestarted(instance, other, Now), AgentPresence.Decide(offline, Health(other), 0, Now));
    }

    [Fact]
    public void AnOnlineAgentWithANewInstanceIdRestartedAndWithTheSameOneChangesNothing()
    {
        var ready = ReadyDev();
        var instance = ready.AgentInstanceId!.Value;
        var other = Guid.NewGuid();

        Assert.Null(AgentPresence.Decide(ready, Health(instance), 0, Now));
        Assert.Equal(new AgentRestarted(instance, other, Now), AgentPresence.Decide(ready, Health(other), 0, Now));
    }

    [Fact]
    public void AnAgentNeverRegisteredIsLeftToTheDeploymentWhileProvisioningAndRegisteredAfterAFailedWait()
    {
        var provisioning = Fold(Requested(DevSpec()), new ContainerCreated(101, "127.0.0.1", "local", T0));
        var failed = provisioning.With(new ProvisioningFailed(DeploymentId, ZeroLagHub.Domain.Deployments.DeploymentStage.WaitForAgent, "no answer", T0.AddMinutes(1)));
        var instance = Guid.NewGuid();

        Assert.Null(AgentPresence.Decide(provisioning, Health(instance), 0, Now));
        Assert.Null(AgentPresence.Decide(provisioning, null, 5, Now));
        Assert.Equal(new AgentRegistered(instance, Now), AgentPresence.Decide(failed, Health(instance), 0, Now));
    }
}
