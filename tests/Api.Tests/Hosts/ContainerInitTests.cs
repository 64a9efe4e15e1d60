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

    private List<string> LogLines() => File.Exists(Log) ? [.. File.ReadAllLines(Log)] : [];

    public void Dispose() => _dir.Delete(recursive: true);
}
