using ZeroLagHub.Api.Hosts.Local;

namespace ZeroLagHub.Api.Tests.Hosts;

/// <summary>What the local host says at start-up about how well containers are kept apart, for each machine it may meet.</summary>
public sealed class LocalSandboxTests
{
    private const string Bwrap = "/usr/bin/bwrap", Slirp = "/usr/bin/slirp4netns";

    [Fact]
    public void AsRootWithBubblewrapAndSlirp4netnsContainersAreFullySandboxedAndNothingIsSaid()
    {
        var sandbox = LocalSandbox.Detect("auto", root: true, bubblewrap: Bwrap, slirp4netns: Slirp);
        Assert.True(sandbox.PerContainerUsers);
        Assert.Equal(Bwrap, sandbox.Bubblewrap);
        Assert.Equal(Slirp, sandbox.Slirp4netns);
        Assert.Null(sandbox.Weakness);
        Assert.Null(sandbox.Refusal);
    }

    [Theory]
    [InlineData(null, Slirp, "apt-get install bubblewrap")]
    [InlineData(Bwrap, null, "apt-get install slirp4netns")]
    [InlineData(Bwrap, null, "PostgreSQL, Redis, the API and other containers' ports on loopback")]
    public void AsRootWithoutBubblewrapOrSlirp4netnsTheMissingIsolationIsNamedAndNoContainerRuns(string? bubblewrap, string? slirp4netns, string named)
    {
        var sandbox = LocalSandbox.Detect("auto", root: true, bubblewrap, slirp4netns);
        Assert.Contains(named, sandbox.Refusal);
        Assert.Contains("Hosts:Local:Sandbox is set to 'none'", sandbox.Refusal);
        Assert.Equal(sandbox.Refusal, sandbox.Weakness);
    }

    [Theory]
    [InlineData("auto", false, "not running as root")]
    [InlineData("none", true, "'none'")]
    public void WithoutRootOrWithTheSandboxOffTheHostIsSingleUserOnly(string mode, bool root, string reason)
    {
        var sandbox = LocalSandbox.Detect(mode, root, Bwrap, null);
        Assert.False(sandbox.PerContainerUsers);
        Assert.Null(sandbox.Bubblewrap);
        Assert.Null(sandbox.Slirp4netns);
        Assert.Null(sandbox.Refusal);
        Assert.Contains(reason, sandbox.Weakness);
        Assert.Contains("Single-user only", sandbox.Weakness);
    }

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, Bwrap)]
    public void RequiringBubblewrapWhereItCannotRunFailsAtStartUp(bool root, string? bubblewrap) =>
        Assert.Contains("apt-get install bubblewrap", Assert.Throws<InvalidOperationException>(() => LocalSandbox.Detect("bubblewrap", root, bubblewrap, Slirp)).Message);

    [Fact]
    public void AnUnknownModeIsNamed() =>
        Assert.Contains("'chroot'", Assert.Throws<InvalidOperationException>(() => LocalSandbox.Detect("chroot", true, null, null)).Message);
}
