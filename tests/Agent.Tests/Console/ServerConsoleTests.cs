using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Agent.Console;
using ZeroLagHub.Agent.Pty;

namespace ZeroLagHub.Agent.Tests.Console;

/// <summary>The server console as the supervisor hands it in: here a PTY running a scripted stand-in server.</summary>
public sealed class ServerConsoleTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private AgentHost Agent(params (string Key, string Value)[] settings) =>
        new(_sandbox, settings.Append(("Kind", "Game")).ToDictionary(s => s.Item1, s => s.Item2));

    private static ConsoleSession OpenServer(AgentHost agent, string script)
    {
        var pty = PtyProcess.Start(new PtyStartInfo("/bin/bash", ["-c", script], "/", new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }));
        return agent.Services.GetRequiredService<ConsoleSessions>().OpenServerConsole(new PtyConsoleTerminal(pty));
    }

    [Fact]
    public async Task Commands_reach_the_server_and_its_exit_closes_the_console()
    {
        await using var agent = Agent();
        OpenServer(agent, "echo 'Done (1.2s)!'; while read -r line; do echo \"got: $line\"; [ \"$line\" = stop ] && exit 0; done");
        await using var console = await ConsoleConnection.OpenAsync(agent, "kind=server");
        await console.UntilAsync("Done (1.2s)!");
        await console.TypeAsync("say hi\r");
        await console.UntilAsync("got: say hi");
        await console.TypeAsync("stop\r");
        var (status, reason) = await console.UntilClosedAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        Assert.Equal("server console closed", reason);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, await ConsoleConnection.RefusedAsync(agent, "kind=server"));
    }

    [Fact]
    public async Task Input_beyond_the_command_rate_is_dropped_with_a_notice()
    {
        await using var agent = Agent(("Console:ServerCommandsPerSecond", "3"));
        OpenServer(agent, "stty -echo; echo ready; while read -r line; do echo \"got: $line\"; done");
        await using var console = await ConsoleConnection.OpenAsync(agent, "kind=server");
        await console.UntilAsync("ready");
        await console.TypeAsync(string.Concat(Enumerable.Range(1, 20).Select(i => $"cmd{i}\r")));   // one paste of 20 commands
        await console.UntilAsync("[zlh] input rate limit: at most 3 commands per second; input dropped");
        Assert.DoesNotContain("got: cmd", console.Text);
        await console.TypeAsync("single\r");
        await console.UntilAsync("got: single");
    }

    [Fact]
    public async Task Runaway_output_is_throttled_with_a_notice_and_resumes_with_a_count()
    {
        await using var agent = Agent(("Console:ServerOutputBytesPerSecond", "2048"));
        OpenServer(agent, "head -c 300000 /dev/zero | tr '\\0' x; echo; sleep 3; echo after-the-flood; sleep 30");
        await using var console = await ConsoleConnection.OpenAsync(agent, "kind=server");
        var notice = await console.UntilAsync("[zlh] console output throttled");
        await console.UntilAsync("[zlh] console output resumed:", notice);
        await console.UntilAsync("after-the-flood", notice);
        Assert.True(console.Length < 100_000, $"{console.Length} characters got through a 2 KiB/s throttle");
    }
}
