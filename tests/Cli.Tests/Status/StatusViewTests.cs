using ZeroLagHub.Cli.Api;
using ZeroLagHub.Cli.Status;

namespace ZeroLagHub.Cli.Tests.Status;

/// <summary>What a crash reads like in <c>zlh status</c> and its watch (the status document as the API sends it).</summary>
public sealed class StatusViewTests
{
    private static readonly DateTimeOffset Changed = DateTimeOffset.Parse("2026-12-06T12:00:00Z");

    private static ContainerStatusInfo Status(string state, DateTimeOffset? restartAt = null) =>
        new(Guid.NewGuid(), "Game", state, "ready", state, "java", "17", false, new CrashInfo(Changed, 1, null, "nonzero_exit"), 1, true, null,
            null, null, Changed, null, restartAt);

    [Fact]
    public void ACrashNamesItsClass() => Assert.Equal("crashed (nonzero_exit)", StatusView.State(Status("crashed")));

    [Fact]
    public void AScheduledRestartSaysWhen() =>
        Assert.Equal("crashed (nonzero_exit), restart in 30 s", StatusView.State(Status("restarting", Changed.AddSeconds(30))));

    [Fact]
    public void ARestartWithoutATimeFromAnOlderApiStillSaysCrashed() =>
        Assert.Equal("crashed (nonzero_exit), restarting", StatusView.State(Status("restarting")));

    [Fact]
    public void OtherStatesReadAsThey() => Assert.Equal("running", StatusView.State(Status("running")));
}
