using ZeroLagHub.Api.Hosts.Local;

namespace ZeroLagHub.Api.Tests.Hosts;

/// <summary>What the local host says at start-up about how well containers are kept apart, for each machine it may meet.</summary>
public sealed class LocalSandboxTests
{
    [Fact]
    public void AsRootWithBubblewrapContainersAreFullySandboxedAndNothingIsSaid()
    {
        var sandbox = LocalSandbox.Detect("auto", root: true, bubblewrap: "/usr/bin/bwrap");
        Assert.True(sandbox.PerContainerUsers);
        Assert.Equal("/usr/bin/bwrap", sandbox.Bubblewrap);
        Assert.Null(sandbox.Weakness);
    }

    [Fact]
    public void AsRootWithoutBubblewrapEachContainerHasItsUserAndTheMissingPackageIsNamed()
    {
        var sandbox = LocalSandbox.Detect("auto", root: true, bubblewrap: null);
        Assert.True(sandbox.PerContainerUsers);
        Assert.Null(sandbox.Bubblewrap);
        Assert.Contains("apt-get install bubblewrap", sandbox.Weakness);
    }

    [Theory]
    [InlineData("auto", false, "not running as root")]
    [InlineData("none", true, "'none'")]
    public void WithoutRootOrWithTheSandboxOffTheHostIsSingleUserOnly(string mode, bool root, string reason)
    {
        var sandbox = LocalSandbox.Detect(mode, root, "/usr/bin/bwrap");
        Assert.False(sandbox.PerContainerUsers);
        Assert.Null(sandbox.Bubblewrap);
        Assert.Contains(reason, sandbox.Weakness);
        Assert.Contains("Single-user only", sandbox.Weakness);
    }

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, "/usr/bin/bwrap")]
    public void RequiringBubblewrapWhereItCannotRunFailsAtStartUp(bool root, string? bubblewrap) =>
        Assert.Contains("apt-get install bubblewrap", Assert.Throws<InvalidOperationException>(() => LocalSandbox.Detect("bubblewrap", root, bubblewrap)).Message);

    [Fact]
    public void AnUnknownModeIsNamed() =>
        Assert.Contains("'chroot'", Assert.Throws<InvalidOperationException>(() => LocalSandbox.Detect("chroot", true, null)).Message);
}
