using System.Net;
using System.Net.WebSockets;
using System.Text.RegularExpressions;

namespace ZeroLagHub.Agent.Tests.Console;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ShellConsoleTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private AgentHost Agent(params (string Key, string Value)[] settings) =>
        new(_sandbox, settings.ToDictionary(s => s.Key, s => s.Value));

    /// <summary>Types a command that prints "pid=&lt;shell pid&gt; &lt;tag&gt;" and returns the pid (quotes keep the typed echo from matching).</summary>
    private static async Task<int> ShellPidAsync(ConsoleConnection console, string tag)
    {
        var from = console.Length;
        await console.TypeAsync($"echo pid=$$ ''{tag}\r");
        await console.UntilAsync($" {tag}\r\n", from);
        return int.Parse(Regex.Matches(console.Text[from..], $@"pid=(\d+) {tag}").Last().Groups[1].Value);
    }

    [Fact]
    public async Task The_shell_has_the_installed_runtime_on_its_path_even_without_an_image_hook()
    {
        // What provisioning writes (RuntimeEnvFile), for a runtime whose bin/ holds a tool of its own.
        var bin = Directory.CreateDirectory(_sandbox.Path("opt/zlh/runtimes/node/24/bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "zlh-node"), "#!/bin/sh\necho zlh-node-24\n");
        File.SetUnixFileMode(Path.Combine(bin, "zlh-node"), (UnixFileMode)0b111_101_101);
        File.WriteAllText(_sandbox.Path("opt/zlh/runtimes/env.sh"), $"export PATH='{bin}':\"$PATH\"\nexport ZLH_RUNTIME='node'\n");
        await using var agent = Agent();
        await using var console = await ConsoleConnection.OpenAsync(agent);

        await console.TypeAsync("echo \"rt=$ZLH_RUNTIME\"; zlh-node\r");

        await console.UntilAsync("rt=node");
        await console.UntilAsync("zlh-node-24\r\n");
    }

    [Fact]
    public async Task Reattaching_within_the_idle_timeout_replays_the_screen_and_finds_the_same_shell()
    {
        await using var agent = Agent();
        int pid;
        await using (var first = await ConsoleConnection.OpenAsync(agent))
        {
            pid = await ShellPidAsync(first, "before-disconnect");
        }

        await using var second = await ConsoleConnection.OpenAsync(agent);
        await second.UntilAsync($"pid={pid} before-disconnect");   // from the replay buffer
        Assert.Equal(pid, await ShellPidAsync(second, "after-reattach"));
    }

    [Fact]
    public async Task Two_sockets_see_the_same_output()
    {
        await using var agent = Agent();
        await using var a = await ConsoleConnection.OpenAsync(agent);
        await using var b = await ConsoleConnection.OpenAsync(agent);
        await a.TypeAsync("echo typed-in-''a\r");
        await a.UntilAsync("typed-in-a\r\n");
        await b.UntilAsync("typed-in-a\r\n");
        await b.TypeAsync("echo typed-in-''b\r");
        await a.UntilAsync("typed-in-b\r\n");
        await b.UntilAsync("typed-in-b\r\n");
    }

    [Fact]
    public async Task Resize_reaches_the_program()
    {
        await using var agent = Agent();
        await using var console = await ConsoleConnection.OpenAsync(agent, "kind=shell&rows=30&cols=90");
        await console.TypeAsync("echo size=$(stty size)''=\r");
        await console.UntilAsync("size=30 90=");
        await console.ControlAsync("""{"type":"resize","rows":41,"cols":123}""");
        var from = console.Length;
        await console.TypeAsync("echo size=$(stty size)''=\r");
        await console.UntilAsync("size=41 123=", from);
    }

    [Fact]
    public async Task Ping_gets_a_pong_and_a_bad_control_message_an_error_that_changes_nothing()
    {
        await using var agent = Agent();
        await using var console = await ConsoleConnection.OpenAsync(agent);
        await console.ControlAsync("""{"type":"ping"}""");
        Assert.Equal("""{"type":"pong"}""", await console.NextControlAsync());
        await console.ControlAsync("""{"type":"resize","rows":0,"cols":80}""");
        Assert.Contains("between 1 and 1000", await console.NextControlAsync());
        await console.ControlAsync("not json");
        Assert.Contains("\"error\"", await console.NextControlAsync());
        await console.TypeAsync("echo size=$(stty size)''=\r");
        await console.UntilAsync("size=24 80=");
    }

    [Fact]
    public async Task A_slow_socket_does_not_stall_another_and_is_closed_with_a_reason()
    {
        // The kernel's loopback buffers absorb a few MB for the slow socket before its queue grows at all,
        // and the reader paces to the fastest client: the limit must exceed what the fast client lags meanwhile.
        await using var agent = Agent(("Console:ClientQueueBytes", "4194304"), ("Console:CloseGrace", "00:01:00"), ("Console:KeepAliveTimeout", "00:01:00"));
        await using var slow = await ConsoleConnection.OpenAsync(agent);   // never reads until the end
        await using var fast = await ConsoleConnection.OpenAsync(agent);
        await fast.TypeAsync("head -c 64000000 /dev/zero | tr '\\0' x; echo; echo all-''done\r");
        await fast.UntilAsync("all-done\r\n", seconds: 120);

        var (status, reason) = await slow.UntilClosedAsync(seconds: 60);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.Contains("too slow", reason);
    }

    [Fact]
    public async Task An_idle_shell_ends_after_the_timeout_and_the_next_attach_starts_a_new_one()
    {
        await using var agent = Agent(("Console:ShellIdleTimeout", "00:00:01"));
        int pid;
        await using (var first = await ConsoleConnection.OpenAsync(agent))
        {
            pid = await ShellPidAsync(first, "first-shell");
        }
        for (var i = 0; i < 100 && Directory.Exists($"/proc/{pid}"); i++) await Task.Delay(100);
        Assert.False(Directory.Exists($"/proc/{pid}"), "the idle shell is still running");

        await using var second = await ConsoleConnection.OpenAsync(agent);
        Assert.NotEqual(pid, await ShellPidAsync(second, "second-shell"));
    }

    [Fact]
    public async Task A_shell_that_exits_closes_its_sockets_with_its_exit_status()
    {
        await using var agent = Agent();
        await using var console = await ConsoleConnection.OpenAsync(agent);
        await console.TypeAsync("exit 7\r");
        var (status, reason) = await console.UntilClosedAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        Assert.Equal("shell ended (exit code 7)", reason);
    }

    [Fact]
    public async Task Bad_requests_are_problems_that_say_what_to_fix()
    {
        await using var agent = Agent();
        var client = agent.Authorized();
        var unknown = await client.GetAsync("/console?kind=desktop");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Contains("kind must be shell or server", await unknown.Content.ReadAsStringAsync());

        var plain = await client.GetAsync("/console?kind=shell");
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Contains("Upgrade: websocket", await plain.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, await ConsoleConnection.RefusedAsync(agent, "kind=shell&rows=0"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await agent.Anonymous().GetAsync("/console?kind=shell")).StatusCode);
    }

    [Fact]
    public async Task Attaching_to_the_server_console_with_no_server_running_is_a_conflict()
    {
        await using var agent = Agent(("Kind", "Game"));
        Assert.Equal(HttpStatusCode.Conflict, await ConsoleConnection.RefusedAsync(agent, "kind=server"));
        var plainGet = await agent.Authorized().GetAsync("/console?kind=server");
        Assert.Equal(HttpStatusCode.BadRequest, plainGet.StatusCode);   // not even a WebSocket
    }
}
