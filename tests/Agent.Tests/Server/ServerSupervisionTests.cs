using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace ZeroLagHub.Agent.Tests.Server;

/// <summary>
/// Real holders, real PTYs and scripted stand-in servers (Scripts/) under a real agent; the agent's
/// clock is fake, so backoff and graceful timeouts pass when the test says so.
/// </summary>
public sealed class ServerSupervisionTests : IAsyncLifetime
{
    private readonly Sandbox _sandbox = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private GameAgent _agent = null!;

    public Task InitializeAsync()
    {
        _agent = new GameAgent(_sandbox, _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        // Leave no stand-in behind: kill whatever the last agent supervises.
        if ((await _agent.StatusAsync()).Server?.Pid is not null) await _agent.PowerAsync("kill");
        await _agent.DisposeAsync();
        _sandbox.Dispose();
    }

    [Fact]
    public async Task StartReachesRunningOnTheReadyLineAndStopEndsItAsAskedNotAsACrash()
    {
        await _agent.ProvisionAsync("paper.sh");
        var started = await _agent.PowerAsync("start");
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var running = await _agent.WaitForStateAsync("running");
        Assert.True(ProcState.IsAlive(running.Server!.Pid!.Value));

        var stopped = await _agent.PowerAsync("stop");
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        Assert.Equal("stopped", (await stopped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        var status = await _agent.StatusAsync();
        Assert.Equal("offline", status.Server!.State);
        Assert.Null(status.Server.LastCrash);
        Assert.Equal(["server.provisioned", "server.started", "server.running", "server.stopped"], Kinds(await _agent.JournalAsync(null), "server."));
    }

    [Fact]
    public async Task TheStopCommandTypedInTheConsoleIsNotACrash()
    {
        await _agent.ProvisionAsync("paper.sh");
        await _agent.PowerAsync("start");
        await _agent.WaitForStateAsync("running");
        await using var console = await ServerConsoleClient.ConnectAsync(_agent);
        await console.WaitForAsync("Done (");   // the replay

        await console.TypeAsync("sto\x7fop\r");   // with a typo corrected by backspace, as people type
        await console.WaitForAsync("Stopping the server");
        var status = await _agent.WaitForStateAsync("offline");
        Assert.Null(status.Server!.LastCrash);
        Assert.Null(status.LastCrashClassification);
        var journal = await _agent.JournalAsync();
        Assert.Contains(journal, e => e.Kind == "server.stopped");
        Assert.DoesNotContain(journal, e => e.Kind is "server.crashed" or "server.restart_scheduled");
    }

    public static TheoryData<string, string?, string> Crashes => new()
    {
        { "forge-mod-error.sh", null, "mod_or_plugin_error" },
        { "fabric-missing-class.sh", null, "missing_dependency" },
        { "paper.sh", "oom", "oom" },
        { "paper.sh", "crash", "nonzero_exit" },
        { "paper.sh", "exit0", "unexpected_exit" },
    };

    [Theory]
    [MemberData(nameof(Crashes))]
    public async Task ACrashIsRecordedWithItsClassificationAndARestartIsScheduledIn30Seconds(string script, string? command, string classification)
    {
        await _agent.ProvisionAsync(script);
        await _agent.PowerAsync("start");
        if (command is not null)
        {
            await _agent.WaitForStateAsync("running");
            await _agent.CommandAsync(command);
        }
        var status = await _agent.WaitForStateAsync("crashed");

        Assert.True(classification == status.LastCrashClassification, JsonSerializer.Serialize(status) + JsonSerializer.Serialize(await _agent.JournalAsync(null)));
        var crash = status.Server!.LastCrash!;
        Assert.Equal(classification, JsonSerializer.Serialize(crash.Classification).Trim('"'));
        Assert.NotEmpty(crash.LogTail);
        Assert.DoesNotContain(crash.LogTail, l => l.Contains('\r') || l.Contains('\x1b'));
        Assert.Equal(1, status.Server.ConsecutiveCrashes);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromSeconds(30), status.Server.RestartAt);

        var journal = await _agent.JournalAsync();
        var crashed = journal.Single(e => e.Kind == "server.crashed");
        Assert.Equal(classification, crashed.Data.GetProperty("classification").GetString());
        Assert.Equal(30, journal.Single(e => e.Kind == "server.restart_scheduled").Data.GetProperty("delaySeconds").GetDouble());
    }

    [Fact]
    public async Task BackoffIs30Then60Then120SecondsAndTheFourthConsecutiveCrashEntersError()
    {
        await _agent.ProvisionAsync("forge-mod-error.sh");
        await _agent.PowerAsync("start");
        foreach (var (crashes, delay) in new[] { (1, 30), (2, 60), (3, 120) })
        {
            await _agent.WaitForAsync(s => s.Server is { State: "crashed" } server && server.ConsecutiveCrashes == crashes, $"crash {crashes}");
            _clock.Advance(TimeSpan.FromSeconds(delay - 1));
            await Task.Delay(200);
            Assert.Equal(crashes, (await _agent.StatusAsync()).Server!.ConsecutiveCrashes);   // not yet
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        var error = await _agent.WaitForStateAsync("error");
        Assert.Equal(4, error.Server!.ConsecutiveCrashes);
        Assert.Null(error.Server.RestartAt);

        // Restarting has stopped: time passes, nothing starts.
        _clock.Advance(TimeSpan.FromHours(1));
        await Task.Delay(300);
        var journal = await _agent.JournalAsync();
        Assert.Equal(4, journal.Count(e => e.Kind == "server.started"));
        Assert.Equal([30.0, 60.0, 120.0], journal.Where(e => e.Kind == "server.restart_scheduled").Select(e => e.Data.GetProperty("delaySeconds").GetDouble()));
        Assert.Single(journal, e => e.Kind == "server.error");

        // A user's start leaves error and begins counting again.
        await _agent.PowerAsync("start");
        Assert.Equal(1, (await _agent.WaitForAsync(s => s.Server is { State: "crashed" }, "crash after a user start")).Server!.ConsecutiveCrashes);
    }

    [Fact]
    public async Task ARunThatStayedUp30SecondsAfterRunningStartsTheCrashCountAgain()
    {
        await _agent.ProvisionAsync("paper.sh");
        await _agent.PowerAsync("start");
        await _agent.WaitForStateAsync("running");
        await _agent.CommandAsync("crash");
        await _agent.WaitForAsync(s => s.Server!.ConsecutiveCrashes == 1 && s.Server.State == "crashed", "crash 1");
        _clock.Advance(TimeSpan.FromSeconds(30));
        await _agent.WaitForStateAsync("running");
        await _agent.CommandAsync("crash");
        await _agent.WaitForAsync(s => s.Server!.ConsecutiveCrashes == 2 && s.Server.State == "crashed", "crash 2");
        _clock.Advance(TimeSpan.FromSeconds(60));
        await _agent.WaitForStateAsync("running");
        _clock.Advance(TimeSpan.FromSeconds(30));   // a stable run
        await _agent.CommandAsync("crash");
        var status = await _agent.WaitForAsync(s => s.Server!.State == "crashed" && s.Server.RestartAt > _clock.GetUtcNow(), "crash 3");
        Assert.Equal(1, status.Server!.ConsecutiveCrashes);
        var delays = (await _agent.JournalAsync()).Where(e => e.Kind == "server.restart_scheduled").Select(e => e.Data.GetProperty("delaySeconds").GetDouble());
        Assert.Equal([30.0, 60.0, 30.0], delays);
    }

    [Fact]
    public async Task ARepeatedCommandIdReturnsTheFirstResultAndAConcurrentDifferentActionGets409()
    {
        await _agent.ProvisionAsync("paper.sh");
        var first = await _agent.PowerAsync("start", "cmd-start-1");
        var firstBody = await first.Content.ReadAsStringAsync();
        var pid = (await _agent.WaitForStateAsync("running")).Server!.Pid;
        var repeat = await _agent.PowerAsync("start", "cmd-start-1");
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(firstBody, await repeat.Content.ReadAsStringAsync());
        Assert.Equal(2, (await _agent.JournalAsync()).Count(e => e.Kind is "server.started" or "server.provisioned"));   // started once

        // A server that ignores the stop command: the stop waits out its graceful timeout (on the fake clock).
        await _agent.CommandAsync("deaf");
        await Task.Delay(500);
        var stop = _agent.PowerAsync("stop", "cmd-stop-1");
        await _agent.WaitForStateAsync("stopping");
        var conflict = await _agent.PowerAsync("restart", "cmd-restart-1");
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType!.MediaType);
        Assert.Contains("stop is in progress", await conflict.Content.ReadAsStringAsync());
        Assert.Equal(pid, (await _agent.StatusAsync()).Server!.Pid);   // changed nothing

        // Kill bypasses the power lock, and the stop it cut short completes.
        var kill = await _agent.PowerAsync("kill", "cmd-kill-1");
        Assert.Equal(HttpStatusCode.OK, kill.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await stop).StatusCode);
        var status = await _agent.WaitForStateAsync("offline");
        Assert.Null(status.Server!.LastCrash);   // killed on request: not a crash
        Assert.False(ProcState.IsAlive(pid!.Value));
    }

    [Fact]
    public async Task AnIgnoredStopCommandEscalatesToSigtermThenSigkillAfterTheGracefulTimeouts()
    {
        await _agent.ProvisionAsync("paper.sh", gracefulTimeoutSeconds: 10);
        await _agent.PowerAsync("start");
        var pid = (await _agent.WaitForStateAsync("running")).Server!.Pid!.Value;
        await _agent.CommandAsync("deaf");   // ignores "stop" and SIGTERM from now on
        await Task.Delay(500);
        var stop = _agent.PowerAsync("stop");
        await _agent.WaitForStateAsync("stopping");
        for (var i = 0; i < 2 && !stop.IsCompleted; i++)
        {
            await Task.Delay(500);
            Assert.True(ProcState.IsAlive(pid));
            _clock.Advance(TimeSpan.FromSeconds(10));
        }
        Assert.Equal(HttpStatusCode.OK, (await stop).StatusCode);
        Assert.Equal("offline", (await _agent.StatusAsync()).Server!.State);
        var stopped = (await _agent.JournalAsync()).Single(e => e.Kind == "server.stopped");
        Assert.Equal(9, stopped.Data.GetProperty("signal").GetInt32());
    }

    [Fact]
    public async Task UnknownActionsAndStartsWithoutASpecAreRefusedWithProblems()
    {
        var unknown = await _agent.PowerAsync("explode");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("start, stop, restart or kill", await unknown.Content.ReadAsStringAsync());
        var noSpec = await _agent.PowerAsync("start");
        Assert.Equal(HttpStatusCode.Conflict, noSpec.StatusCode);
        Assert.Contains("/provision", await noSpec.Content.ReadAsStringAsync());
        Assert.Equal("offline", (await _agent.StatusAsync()).Server!.State);
    }

    [Fact]
    public async Task AMissingExecutableIsAMissingDependencyCrash()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/provision")
        {
            Content = JsonContent.Create(new { server = new { command = "zlh-no-such-server-binary" } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.OK, (await _agent.Client.SendAsync(request)).StatusCode);
        await _agent.PowerAsync("start");
        var status = await _agent.WaitForStateAsync("crashed");
        Assert.Equal("missing_dependency", status.LastCrashClassification);
        Assert.Equal(127, status.Server!.LastCrash!.ExitCode);
    }

    [Fact]
    public async Task AnOomKillSeenInTheCgroupCounterIsAnOomCrash()
    {
        var cgroup = _sandbox.Path("cgroup");
        Directory.CreateDirectory(cgroup);
        await File.WriteAllTextAsync(Path.Combine(cgroup, "memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\n");
        await _agent.DisposeAsync();
        _agent = new GameAgent(_sandbox, _clock, new Dictionary<string, string> { ["Server:CgroupDir"] = cgroup });

        await _agent.ProvisionAsync("paper.sh");
        await _agent.PowerAsync("start");
        var pid = (await _agent.WaitForStateAsync("running")).Server!.Pid!.Value;
        await File.WriteAllTextAsync(Path.Combine(cgroup, "memory.events"), "low 0\nhigh 0\nmax 9\noom 2\noom_kill 1\n");
        kill(pid, 9);   // what the kernel's OOM killer does
        var status = await _agent.WaitForStateAsync("crashed");
        Assert.Equal("oom", status.LastCrashClassification);
        Assert.Equal(9, status.Server!.LastCrash!.Signal);
    }

    [Fact]
    public async Task TheServerKeepsRunningAcrossAnAgentRestartAndIsSupervisedAgain()
    {
        await _agent.ProvisionAsync("paper.sh");
        await _agent.PowerAsync("start");
        var pid = (await _agent.WaitForStateAsync("running")).Server!.Pid!.Value;

        await using (var before = await ServerConsoleClient.ConnectAsync(_agent))
        {
            await before.TypeAsync("say before the restart\r");
            await before.WaitForAsync("[Server] before the restart");
        }

        await _agent.DisposeAsync();   // the agent goes down (an upgrade, a crash of its own)
        await Task.Delay(300);
        Assert.True(ProcState.IsAlive(pid));

        _agent = new GameAgent(_sandbox, _clock);
        var status = await _agent.WaitForStateAsync("running");   // the replay holds the ready line
        Assert.Equal(pid, status.Server!.Pid);

        // The console reattaches: the earlier output is replayed and the server still answers.
        await using (var after = await ServerConsoleClient.ConnectAsync(_agent))
        {
            await after.WaitForAsync("[Server] before the restart");
            await after.TypeAsync("say after the restart\r");
            await after.WaitForAsync("[Server] after the restart");
        }
        Assert.Contains(await _agent.JournalAsync(), e => e.Kind == "server.reattached" && e.Data.GetProperty("pid").GetInt32() == pid);

        // Supervised again: a crash now is seen and recorded.
        await _agent.CommandAsync("crash");
        Assert.Equal("nonzero_exit", (await _agent.WaitForStateAsync("crashed")).LastCrashClassification);
    }

    [Fact]
    public async Task AServerThatExitsWhileTheAgentIsDownIsRecordedAsACrashWhenItReturns()
    {
        await _agent.ProvisionAsync("paper.sh");
        await _agent.PowerAsync("start");
        var pid = (await _agent.WaitForStateAsync("running")).Server!.Pid!.Value;
        await _agent.DisposeAsync();

        await File.WriteAllTextAsync(Path.Combine(_agent.ServerRoot, "command"), "oom");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ProcState.IsAlive(pid) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.False(ProcState.IsAlive(pid));

        _agent = new GameAgent(_sandbox, _clock);
        var status = await _agent.WaitForStateAsync("crashed");
        Assert.Equal("oom", status.LastCrashClassification);
        Assert.Equal(3, status.Server!.LastCrash!.ExitCode);
        Assert.Contains(status.Server.LastCrash.LogTail, l => l.Contains("java.lang.OutOfMemoryError"));
        Assert.Contains(await _agent.JournalAsync(), e => e.Kind == "server.crashed");
    }

    private static string[] Kinds(IEnumerable<ZeroLagHub.Domain.Agent.JournalEntry> entries, string prefix) =>
        [.. entries.Select(e => e.Kind).Where(k => k.StartsWith(prefix, StringComparison.Ordinal))];

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
