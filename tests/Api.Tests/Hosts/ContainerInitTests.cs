using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Api.Tests.Status;

namespace ZeroLagHub.Api.Tests.Hosts;

/// <summary>A container's init on its own (no sandbox, no API): it pauses, resumes and ends its agent on the API's signals.</summary>
public sealed class ContainerInitTests : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("zlh-init-test-");

    private string Log => Path.Combine(_dir.FullName, "init.log");

    [Fact]
    public async Task AnInitStartedWithTheApisSignalsIgnoredStillPausesAndResumesItsAgent()
    {
        // An API started under nohup ignores SIGHUP, and whatever it starts inherits that; a shell cannot trap a signal
        // ignored when it started, so without its own reset the init would never resume its agent.
        var init = await ContainerInit.StartAsync(
            ["/usr/bin/env", "--ignore-signal=HUP,USR1,TERM", .. ContainerInit.Command(Log, ["/usr/bin/tail", "-f", "/dev/null"])],
            new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, Log, status: null, default);
        try
        {
            var first = await StatusSteps.EventuallyAsync(() => Task.FromResult(init.Agent()), "the first agent");

            await init.PauseAgentAsync(Grace, default);
            Assert.False(first.IsStill());
            await StatusSteps.EventuallyAsync(() => Task.FromResult(LogLines().Contains("zlh-init: the agent is paused until the API is back") ? "" : null),
                $"the init to pause its agent (log: {string.Join(" | ", LogLines())})");

            await init.RestartAgentAsync(Grace, default);
            var second = await StatusSteps.EventuallyAsync(() => Task.FromResult(init.Agent()), "the agent to be resumed");
            Assert.NotEqual(first.Pid, second.Pid);
            Assert.Equal(2, LogLines().Count(l => l.StartsWith("zlh-init: started the agent", StringComparison.Ordinal)));
            Assert.DoesNotContain(LogLines(), l => l.StartsWith("zlh-init: the agent exited", StringComparison.Ordinal));
        }
        finally
        {
            await init.EndAsync(Grace, default);
        }
        Assert.False(init.IsRunning);
    }

    [Fact]
    public async Task ARestartAskedTheMomentTheInitStartsReachesItsTrapsInsteadOfKillingIt()
    {
        // Under load the health wait may ask for a restart before the shell has set its traps; SIGHUP's default action
        // would then end the init, and the container with it (the agent's socket refused for good). A slow start (bubblewrap
        // setting up under load) is a shell that sleeps a moment before it becomes the init.
        var init = await ContainerInit.StartAsync(
            ["/bin/sh", "-c", "sleep 0.5; exec \"$@\"", "slow-start", .. ContainerInit.Command(Log, ["/usr/bin/tail", "-f", "/dev/null"])],
            new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, Log, status: null, default);
        try
        {
            await init.RestartAgentAsync(Grace, default);

            await StatusSteps.EventuallyAsync(() => Task.FromResult(init.Agent()), $"an agent after the early restart (log: {string.Join(" | ", LogLines())})");
            Assert.True(init.IsRunning);
        }
        finally
        {
            await init.EndAsync(Grace, default);
        }
    }

    [Fact]
    public async Task InANetworkNamespaceTheInitIsSetUpBeforeItIsReturnedSoSlirp4netnsStartedAtOnceNeverRacesBubblewrap()
    {
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/bwrap") || !File.Exists("/usr/bin/slirp4netns")) return;
        // bwrap reports the namespace as it makes it, then brings up its loopback; slirp4netns's --configure brings up the
        // same loopback, and when both did so at once bwrap died ("loopback: Failed RTM_NEWADDR"), the container with it:
        // about one start in eight on this machine. Twenty in a row, each with slirp4netns started the moment the init
        // is returned, as the local host does.
        for (var round = 0; round < 20; round++)
        {
            var status = Path.Combine(_dir.FullName, "status.json");
            var (exitRead, exitWrite) = DetachedSpawn.Pipe();
            ContainerInit init;
            using (exitWrite)
                init = await ContainerInit.StartAsync(
                    ["/usr/bin/bwrap", "--dev-bind", "/", "/", "--unshare-net", "--unshare-pid", "--json-status-fd", "3", "--",
                        .. ContainerInit.Command(Log, ["/usr/bin/tail", "-f", "/dev/null"])],
                    new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, Log, status, default, [(exitWrite, ContainerInit.NetworkExitDescriptor)]);
            try
            {
                Assert.NotNull(init.Shell());
                using (exitRead)
                    await LocalNetwork.StartAsync("/usr/bin/slirp4netns", init.Pid, exitRead, Path.Combine(_dir.FullName, "slirp.sock"), Log, default);
                Assert.True(init.IsRunning, $"round {round}: the init died (log: {string.Join(" | ", LogLines())})");
            }
            finally
            {
                await init.EndAsync(Grace, default);
            }
        }
    }

    private List<string> LogLines() => File.Exists(Log) ? [.. File.ReadAllLines(Log)] : [];

    public void Dispose() => _dir.Delete(recursive: true);
}
