using System.Text.RegularExpressions;
using ZeroLagHub.Agent.Pty;

namespace ZeroLagHub.Agent.Tests.Pty;

public sealed class PtyProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("zlh-pty-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private PtyProcess Start(string program, params string[] args) =>
        PtyProcess.Start(new PtyStartInfo(program, args, _dir, new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }));

    [Fact]
    public async Task Bash_is_a_session_leader_with_the_pty_as_controlling_terminal()
    {
        await using var pty = Start("/bin/bash", "--norc", "--noprofile", "-i");
        var output = new PtyOutput(pty);
        // The quotes keep the typed (echoed) command from matching what the test waits for.
        await PtyOutput.TypeAsync(pty, "echo pid=$$ sid=$(ps -o sid= $$ | tr -d ' ') tty=$(tty) e''nd");
        var text = await output.UntilAsync(" end\r\n");
        var match = Regex.Match(text, @"pid=(\d+) sid=(\d+) tty=(\S+) end");
        Assert.True(match.Success, text);
        Assert.Equal(pty.Pid.ToString(), match.Groups[1].Value);
        Assert.Equal(pty.Pid.ToString(), match.Groups[2].Value);
        Assert.Equal(pty.TerminalPath, match.Groups[3].Value);
    }

    [Fact]
    public async Task Environment_and_working_directory_reach_the_child()
    {
        await using var pty = Start("/bin/sh", "-c", "echo \"[$TERM|$HOME|$USER|$LOGNAME|$(pwd)]\"");
        var text = await new PtyOutput(pty).ToEndAsync();
        var user = Environment.UserName;
        Assert.Contains($"[xterm-256color|{Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)}|{user}|{user}|{_dir}]", text);
    }

    [Fact]
    public async Task Exit_code_is_reported_as_an_exit_code()
    {
        await using var pty = Start("/bin/sh", "-c", "echo bye; exit 3");
        Assert.Contains("bye", await new PtyOutput(pty).ToEndAsync());   // read returns 0 after EIO
        Assert.Equal(new PtyExit(3, null), await pty.Exited.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Death_by_signal_is_reported_as_a_signal()
    {
        await using var pty = Start("/bin/sh", "-c", "kill -TERM $$");
        await new PtyOutput(pty).ToEndAsync();
        Assert.Equal(new PtyExit(null, 15), await pty.Exited.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Signal_reaches_the_childs_process_group()
    {
        // A launcher script and the program it starts share the group: SIGKILL ends both.
        await using var pty = Start("/bin/sh", "-c", "sleep 300 & echo child=$!; wait");
        var output = new PtyOutput(pty);
        var text = await output.UntilAsync("\r\n");
        var child = int.Parse(Regex.Match(text, @"child=(\d+)").Groups[1].Value);
        pty.Signal(9);
        Assert.Equal(new PtyExit(null, 9), await pty.Exited.WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitUntilAsync(() => !ProcState.IsAlive(child));

    }

    [Fact]
    public async Task Child_gets_default_signal_dispositions_not_the_runtimes()
    {
        // The runtime ignores SIGPIPE; inherited, `yes` would spin on EPIPE forever.
        await using var pty = Start("/bin/sh", "-c", "yes | head -n 1; echo done");
        var text = await new PtyOutput(pty).ToEndAsync(seconds: 10);
        Assert.Contains("done", text);
        Assert.Equal(new PtyExit(0, null), await pty.Exited.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Resize_reaches_the_program()
    {
        await using var pty = Start("/bin/bash", "--norc", "--noprofile", "-i");
        var output = new PtyOutput(pty);
        pty.Resize(33, 101);
        await PtyOutput.TypeAsync(pty, "echo size=$(stty size)''=");
        Assert.Contains("size=33 101=", await output.UntilAsync("size=33 101="));
    }

    [Fact]
    public async Task No_pty_descriptor_leaks_into_another_child()
    {
        var first = Start("/bin/cat");
        await using var second = Start("/bin/sleep", "300");
        var secondFds = Directory.GetFiles($"/proc/{second.Pid}/fd").Select(f => new FileInfo(f).LinkTarget).ToList();
        Assert.DoesNotContain(first.TerminalPath, secondFds);
        Assert.DoesNotContain("/dev/ptmx", secondFds);
        Assert.Equal([second.TerminalPath, second.TerminalPath, second.TerminalPath], secondFds.Where(f => f?.StartsWith("/dev/pts/") == true));

        // Closing the first master hangs up its child: nobody else holds its terminal open.
        await first.DisposeAsync();
        Assert.Equal(new PtyExit(null, 1), await first.Exited.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(second.Exited.IsCompleted);
    }

    [Fact]
    public void A_program_that_does_not_exist_is_an_IOException()
    {
        var e = Assert.Throws<IOException>(() => Start("/no/such/program"));
        Assert.Contains("/no/such/program", e.Message);
    }

    [Fact]
    public void A_working_directory_that_does_not_exist_is_an_IOException()
    {
        var e = Assert.Throws<IOException>(() => PtyProcess.Start(new PtyStartInfo("/bin/sh", [], "/no/such/dir", new Dictionary<string, string>())));
        Assert.Contains("/no/such/dir", e.Message);
    }

    [Fact]
    public async Task Dispose_ends_a_child_that_ignores_hangup()
    {
        var pty = Start("/bin/sh", "-c", "trap '' HUP; echo ready; while :; do sleep 1; done");
        await new PtyOutput(pty).UntilAsync("ready");
        await pty.DisposeAsync();
        Assert.Equal(new PtyExit(null, 9), await pty.Exited.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++) await Task.Delay(100);
        Assert.True(condition());
    }
}
