using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Hosts.Local;
using ZeroLagHub.Api.Tests.Hosts;

namespace ZeroLagHub.Cli.Tests.Console;

/// <summary>
/// zlh console against the real API, whose local host runs real agents with a real PTY behind each shell:
/// piped input, a real pseudo-terminal (raw mode, resize, detach), strangers, and reconnecting when the
/// agent goes away. Each test has a dev container of its own (a container has one shell, shared by its consoles).
/// </summary>
public sealed class ConsoleTests(CliApiFixture api) : IClassFixture<CliApiFixture>
{
    [Fact]
    public async Task PipedInputRunsInTheShellAndItsExitEndsTheConsoleWith0()
    {
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;
        var box = await DevBoxAsync(zlh);

        var run = await zlh.RunWithInputAsync("echo zlh-$((6*7)); exit", "console", box, "--shell");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("zlh-42", run.Out);
        Assert.Contains("[zlh] shell ended (exit code 0)", run.Err);
    }

    [Fact]
    public async Task TheEndOfPipedInputEndsTheShellAsAtTheEndOfAScript()
    {
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;
        var box = await DevBoxAsync(zlh);

        // No exit: the end of stdin reaches the shell as Ctrl-D. The dev container's shell is its default console.
        var run = await zlh.RunWithInputAsync("echo piped-$((40+2))", "console", box);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("piped-42", run.Out);
    }

    [Fact]
    public async Task OnATerminalItIsRawFollowsResizesAndDetachesWithCtrlBracketLeavingTheShellRunning()
    {
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;
        var box = await DevBoxAsync(zlh);
        var mark = Random.Shared.Next(1000, 9999);

        await using (var terminal = LiveZlh.StartInTerminal(zlh, 30, 100, "console", box, "--shell"))
        {
            await terminal.WaitForAsync($"[zlh] connected to the shell of {box}; Ctrl-] detaches");

            // The remote terminal has the local one's size.
            await terminal.TypeAsync("stty -a\r");
            await terminal.WaitForAsync("rows 30; columns 100");

            // Raw mode: Ctrl-C is a byte for the remote shell (it interrupts the sleep), not SIGINT for zlh.
            await terminal.TypeAsync("sleep 120\r");
            await Task.Delay(TimeSpan.FromSeconds(1));
            await terminal.TypeAsync("\u0003");
            await terminal.TypeAsync($"export MARK=$(({mark}*2)); echo raw-$MARK\r");
            await terminal.WaitForAsync($"raw-{mark * 2}");

            // Resizing the local terminal (SIGWINCH) resizes the remote one.
            await terminal.ResizeTerminalAsync(40, 120);
            var resized = false;
            for (var attempt = 0; attempt < 5 && !resized; attempt++)
            {
                await terminal.TypeAsync("stty size\r");
                resized = await terminal.ShowsAsync("40 120", TimeSpan.FromSeconds(2));
            }
            Assert.True(resized, $"the remote terminal was not resized\n{terminal}");

            // A lone Ctrl-] (no newline: raw mode) detaches; zlh puts the terminal back as it was.
            await terminal.TypeAsync("\u001d");

            Assert.True(await terminal.WaitForExitAsync() == 0, terminal.ToString());
            Assert.Contains("[zlh] detached", terminal.Out);
            Assert.Contains("terminal-restored", terminal.Out);
        }

        // The shell kept running: attached again, it still has the variable.
        var again = await zlh.RunWithInputAsync("echo again-$MARK; exit", "console", box);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains($"again-{mark * 2}", again.Out);
    }

    [Theory]
    [InlineData("SIGTERM", 15)]
    [InlineData("SIGHUP", 1)]
    public async Task ASignalFromOutsideEndsTheConsoleWithTheTerminalRestored(string name, int signal)
    {
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;
        var box = await DevBoxAsync(zlh);

        await using var terminal = LiveZlh.StartInTerminal(zlh, 24, 80, "console", box);
        await terminal.WaitForAsync($"[zlh] connected to the shell of {box}");
        await terminal.TypeAsync("echo attached-$((3+4))\r");
        await terminal.WaitForAsync("attached-7");

        Assert.True(Kill(ZlhProcess(box), signal) == 0, name);

        Assert.NotEqual(0, await terminal.WaitForExitAsync());
        Assert.Contains("terminal-restored", terminal.Out);
    }

    [Fact]
    public async Task AnotherUsersContainerIsNotFoundAndADevContainerHasNoServerConsole()
    {
        var (owner, _) = await api.LoggedInAsync();
        var (stranger, _) = await api.LoggedInAsync();
        using var _1 = owner;
        using var _2 = stranger;
        var box = await DevBoxAsync(owner);
        var id = (await owner.RunAsync("show", box, "--json")).Json.GetProperty("id").GetString()!;

        var strangers = await stranger.RunWithInputAsync("exit", "console", id, "--shell");
        Assert.True(strangers.ExitCode == 3, strangers.ToString());
        Assert.Contains("Not found", strangers.Err);

        var server = await owner.RunWithInputAsync("exit", "console", box, "--server");
        Assert.True(server.ExitCode == 1, server.ToString());
        Assert.Contains("No server console", server.Err);
    }

    [Fact]
    public async Task WhenTheAgentIsKilledItReconnectsToANewShell()
    {
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;
        var box = await DevBoxAsync(zlh);
        var id = Guid.Parse((await zlh.RunAsync("show", box, "--json")).Json.GetProperty("id").GetString()!);
        var mark = Random.Shared.Next(1000, 9999);

        await using var console = LiveZlh.Start(zlh, "console", box, "--shell");
        await console.TypeAsync($"echo before-$(({mark}+1))\n");
        await console.WaitForAsync($"before-{mark + 1}");

        var agent = LocalContainerProbe.Agent(api.Services.GetRequiredService<LocalContainerStore>().Find(id))!.Pid;
        System.Diagnostics.Process.GetProcessById(agent).Kill();
        await console.WaitForAsync("[zlh] connection lost, reconnecting…", stderr: true);
        await api.Host.StartAsync(id, new StageLog(), default);
        await console.WaitForAsync("[zlh] reconnected", stderr: true);

        await console.TypeAsync($"echo after-$(({mark}+2))\n");
        await console.WaitForAsync($"after-{mark + 2}");
        console.CloseInput();
        Assert.True(await console.WaitForExitAsync() == 0, console.ToString());
    }

    [Fact]
    public async Task WhenTheContainerIsStoppedItStopsReconnectingAndSaysSo()
    {
        var (zlh, _) = await api.LoggedInAsync();
        using var __ = zlh;
        var box = await DevBoxAsync(zlh);

        await using var console = LiveZlh.Start(zlh, "console", box, "--shell");
        await console.TypeAsync("echo attached-$((2+3))\n");
        await console.WaitForAsync("attached-5");
        var stop = await zlh.RunAsync("stop", box);
        Assert.True(stop.ExitCode == 0, stop.ToString());

        Assert.True(await console.WaitForExitAsync() == 1, console.ToString());
        Assert.Contains($"container {box} was stopped: zlh start {box}", console.Err);
    }

    [Theory]
    [InlineData("--json")]
    [InlineData("--shell", "--server")]
    [InlineData("--detach-key", "ctrl-[")]
    [InlineData("--detach-key", "alt-x")]
    public async Task WhatCannotBeAConsoleIsAUsageError(params string[] options)
    {
        using var zlh = new Zlh(new Uri("http://127.0.0.1:9/"));

        var run = await zlh.RunAsync(["console", "my-box", .. options]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Empty(run.Out);
    }

    /// <summary>The zlh process (dotnet …/zlh.dll console …) attached to <paramref name="box"/>.</summary>
    private static int ZlhProcess(string box)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string[] args;
            try { args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0'); }
            catch (IOException) { continue; }
            if (args is [var program, var dll, "console", var target, ..] && program.EndsWith("dotnet", StringComparison.Ordinal)
                && dll.EndsWith("zlh.dll", StringComparison.Ordinal) && target == box)
                return pid;
        }
        throw new InvalidOperationException($"no zlh attached to {box}");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    /// <summary>A new dev container of the user's, ready; its name.</summary>
    private static async Task<string> DevBoxAsync(Zlh zlh)
    {
        var name = $"box-{Guid.NewGuid():N}"[..12];
        var create = await zlh.RunAsync("create", "dev", "--addon", "code-server", "--name", name, "--wait");
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Matches(new Regex("deployment [0-9a-f-]{36} succeeded"), create.Out);
        return name;
    }
}
