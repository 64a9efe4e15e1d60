using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Domain.Tests.Servers;

public sealed class RestartPolicyTests
{
    private static readonly RestartPolicy Policy = RestartPolicy.Default;

    [Fact]
    public void BackoffIs30Then60Then120SecondsAndTheFourthConsecutiveCrashEntersError()
    {
        var crashes = 0;
        var delays = new List<TimeSpan?>();
        for (var i = 0; i < 4; i++)
        {
            var decision = Policy.AfterCrash(crashes, runningFor: TimeSpan.FromSeconds(5));
            crashes = decision.ConsecutiveCrashes;
            delays.Add(decision.Delay);
        }
        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120), null], delays);
        Assert.Equal(4, crashes);
        Assert.True(Policy.AfterCrash(3, null).EntersError);
    }

    [Fact]
    public void ARunThatStayedUp30SecondsAfterReachingRunningStartsTheCountAgain()
    {
        var decision = Policy.AfterCrash(previousCrashes: 3, runningFor: TimeSpan.FromSeconds(30));
        Assert.Equal(new RestartDecision(1, TimeSpan.FromSeconds(30)), decision);
    }

    [Fact]
    public void ARunThatNeverReachedRunningNeverResetsTheCountHoweverLongItLoaded()
    {
        // A mod that crashes 45 s into loading: never running, so it cannot loop forever.
        Assert.True(Policy.AfterCrash(previousCrashes: 3, runningFor: null).EntersError);
        Assert.Equal(3, Policy.AfterCrash(previousCrashes: 2, runningFor: TimeSpan.FromSeconds(29)).ConsecutiveCrashes);
    }

    [Fact]
    public void CountsAndDelaysAreConfigurable()
    {
        var policy = new RestartPolicy([TimeSpan.FromSeconds(1)], TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.FromSeconds(1), policy.AfterCrash(0, null).Delay);
        Assert.True(policy.AfterCrash(1, TimeSpan.FromMinutes(4)).EntersError);
        Assert.False(policy.AfterCrash(1, TimeSpan.FromMinutes(5)).EntersError);
    }
}
