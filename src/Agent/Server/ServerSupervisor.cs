using ZeroLagHub.Domain;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.CodeServer;
using ZeroLagHub.Agent.Console;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Agent.Holder;
using ZeroLagHub.Agent.Journal;
using ZeroLagHub.Agent.Provisioning;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Servers;

namespace ZeroLagHub.Agent.Server;

/// <summary>
/// Supervises the game server: power actions, states (offline → starting → running → stopping →
/// offline; crashed; error), crash recording and restart with backoff. The server itself lives in a
/// holder process (<see cref="HolderProgram"/>), so this class may come and go with the agent: on start
/// it reattaches to a live holder, or records an exit that happened while the agent was down.
/// </summary>
/// <remarks>
/// One power action at a time (a repeat of the running action shares it; a different one is refused,
/// 409); kill bypasses that, so it works while a stop hangs. Every decision is journalled:
/// <c>server.started</c>, <c>server.running</c>, <c>server.reattached</c>, <c>server.stopped</c>,
/// <c>server.crashed</c>, <c>server.restart_scheduled</c>, <c>server.error</c>.
/// All waits that policy decides (backoff, ready and graceful timeouts) run on the injected
/// <see cref="TimeProvider"/>; waits for the operating system (holder start-up, a SIGKILL taking effect)
/// run on real time.
/// </remarks>
public sealed class ServerSupervisor : IHostedService
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    private readonly AgentOptions _agent;
    private readonly ServerOptions _options;
    private readonly RestartPolicy _policy;
    private readonly ProvisionStateStore _provisioning;
    private readonly AgentJournal _journal;
    private readonly ConsoleSessions _consoles;
    private readonly TimeProvider _clock;
    private readonly ILogger<ServerSupervisor> _log;
    private readonly HolderPaths _paths;
    private readonly SupervisionStore _store;
    private readonly CgroupMemory? _cgroup;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _gate = new();

    private ServerState _state = ServerState.Offline;
    private SupervisionRecord _record;
    private ServerRun? _run;
    private (PowerAction Action, Task<(PowerResult?, PowerFailure?)> Task)? _inFlight;
    private CancellationTokenSource? _restartTimer;

    public ServerSupervisor(IOptions<AgentOptions> agent, IOptions<ServerOptions> options, ProvisionStateStore provisioning,
        AgentJournal journal, ConsoleSessions consoles, TimeProvider clock, ILogger<ServerSupervisor> log)
    {
        _agent = agent.Value;
        _options = options.Value;
        _policy = _options.Policy();
        _provisioning = provisioning;
        _journal = journal;
        _consoles = consoles;
        _clock = clock;
        _log = log;
        _paths = new HolderPaths(Path.Combine(_agent.DataDir, "server"));
        _store = new SupervisionStore(Path.Combine(_agent.DataDir, "server-supervision.json"));
        _record = _store.Load();
        _cgroup = _options.CgroupDir.Length > 0 ? new CgroupMemory(_options.CgroupDir) : CgroupMemory.Own();
    }

    /// <summary>For <c>/status</c>; null for dev containers.</summary>
    public ServerProcessStatus? Status()
    {
        if (_agent.Kind != ContainerKind.Game) return null;
        lock (_gate)
        {
            double? uptime = _run is { } run ? (_clock.GetUtcNow() - run.StartedAt).TotalSeconds : null;
            return new ServerProcessStatus(EnumNames.Of(_state), _run?.Pid, uptime, _record.LastCrash, _record.ConsecutiveCrashes, _record.RestartAt);
        }
    }

    public async Task<(PowerResult? Result, PowerFailure? Failure)> PowerAsync(PowerAction action, bool automatic = false)
    {
        if (_agent.Kind != ContainerKind.Game)
            return Refuse(action, new PowerFailure(PowerRejection.NotAGameServer, "this is a dev container: it has no game server"));
        if (action == PowerAction.Kill) return await KillAsync();

        var mine = new TaskCompletionSource<(PowerResult?, PowerFailure?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<(PowerResult?, PowerFailure?)>? same = null;
        lock (_gate)
        {
            if (_inFlight is { } running)
            {
                if (running.Action != action || automatic)
                    return Refuse(action, new PowerFailure(PowerRejection.Busy,
                        $"a {running.Action.ToString().ToLowerInvariant()} is in progress; retry when it has finished (kill works at any time)"));
                same = running.Task;
            }
            else
            {
                _inFlight = (action, mine.Task);
            }
        }
        if (same is not null) return await same;   // the same action, asked again: one execution

        try
        {
            var outcome = action switch
            {
                PowerAction.Start => await StartCoreAsync(automatic),
                PowerAction.Stop => await StopCoreAsync(),
                _ => await RestartCoreAsync(),
            };
            mine.SetResult(outcome);
            return outcome;
        }
        catch (Exception e)
        {
            mine.SetException(e);
            throw;
        }
        finally
        {
            lock (_gate) _inFlight = null;
        }
    }

    // :: Start -------------------------------------------------------------------------------------

    private async Task<(PowerResult?, PowerFailure?)> StartCoreAsync(bool automatic)
    {
        ServerSpec? spec;
        lock (_gate)
        {
            if (_run is not null) return Done(PowerAction.Start, "already running");
            spec = _provisioning.Current.Server;
            if (spec is null)
                return Refuse(PowerAction.Start, new PowerFailure(PowerRejection.NoServerSpec, "no server is provisioned: POST /provision with a server spec first"));
            CancelRestartTimer();
            // A user's start is a fresh beginning: it leaves error and starts the crash count again.
            if (!automatic) Remember(_record with { State = ServerState.Offline, ConsecutiveCrashes = 0, RestartAt = null });
        }

        var oomKills = _cgroup?.OomKills() ?? 0;
        try
        {
            await HolderLauncher.StartAsync(_paths, Launch(spec), _shutdown.Token);
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception)
        {
            return Refuse(PowerAction.Start, new PowerFailure(PowerRejection.HolderFailed, $"the server's holder could not be started: {e.Message}"));
        }

        // The holder binds its socket before it starts the server; a server that dies at once may
        // leave only its exit record behind.
        var deadline = Stopwatch.StartNew();
        HolderConnection? holder;
        while ((holder = await HolderConnection.TryConnectAsync(_paths, _shutdown.Token)) is null)
        {
            if (ReadExit() is { } early)
            {
                var ended = new ServerRun(null, early.ServerPid, _clock.GetUtcNow(), oomKills, spec.StopCommand);
                Started(ended, automatic ? "automatic restart" : "start");
                End(ended, early, runningFor: null);
                return Done(PowerAction.Start, "crashed on start");
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(_options.HolderStartTimeoutSeconds))
                return Refuse(PowerAction.Start, new PowerFailure(PowerRejection.HolderFailed,
                    $"the server's holder did not open {_paths.Socket} within {_options.HolderStartTimeoutSeconds} s; see {_paths.Log}"));
            await Task.Delay(25, _shutdown.Token);
        }

        var run = new ServerRun(holder, holder.Hello.ServerPid, _clock.GetUtcNow(), oomKills, spec.StopCommand);
        Started(run, automatic ? "automatic restart" : "start");
        Attach(run, spec);
        return Done(PowerAction.Start, "started");
    }

    private void Started(ServerRun run, string reason)
    {
        _log.Started(run.Pid, reason);
        _journal.Append("server.started", new { pid = run.Pid, reason });
        lock (_gate)
        {
            _run = run;
            _state = ServerState.Starting;
        }
    }

    /// <summary>Publishes the console, follows the output, and counts the run as running when ready.</summary>
    private void Attach(ServerRun run, ServerSpec spec)
    {
        _consoles.OpenServerConsole(run.Terminal);
        _ = FollowAsync(run, spec.ReadyLine);
        if (spec.ReadyLine is null) MarkRunning(run);
        else _ = ReadyTimeoutAsync(run, TimeSpan.FromSeconds(spec.ReadyTimeoutSeconds));
    }

    private async Task ReadyTimeoutAsync(ServerRun run, TimeSpan timeout)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        var delay = Task.Delay(timeout, _clock, ended.Token);
        if (await Task.WhenAny(delay, run.Ended.Task) == delay && delay.IsCompletedSuccessfully) MarkRunning(run);
        await ended.CancelAsync();
    }

    private void MarkRunning(ServerRun run)
    {
        lock (_gate)
        {
            if (_run != run || run.RunningSince is not null) return;
            run.RunningSince = _clock.GetUtcNow();
        }
        _log.Running(run.Pid);
        _journal.Append("server.running", new { pid = run.Pid });
        lock (_gate)
        {
            if (_run == run && _state == ServerState.Starting) _state = ServerState.Running;
        }
    }

    // :: Output and exit ---------------------------------------------------------------------------

    /// <summary>
    /// Reads the holder until the run ends: output to the console and the log tail (watching for the
    /// ready line), then the exit. Ends quietly when the agent shuts down: the server goes on.
    /// </summary>
    private async Task FollowAsync(ServerRun run, string? readyLine)
    {
        HolderExit? exit = null;
        var reconnected = false;
        try
        {
            while (run.Holder is { } holder)
            {
                var frame = await holder.ReadAsync(_shutdown.Token);
                if (frame is not var (type, payload))
                {
                    await holder.DisposeAsync();
                    // The holder writes its exit record before it closes; without one it either dropped
                    // this agent for falling behind (reconnect) or died with the server.
                    exit = ReadExit();
                    run.Holder = exit is null ? await HolderConnection.TryConnectAsync(_paths, _shutdown.Token) : null;
                    reconnected = true;
                    continue;
                }
                if (type == HolderFrameType.Exit)
                {
                    exit = HolderFrames.ParseJson<HolderExit>(payload);
                    break;
                }
                if (type == HolderFrameType.Replay && reconnected) continue;   // the console has seen it
                if (type is not (HolderFrameType.Output or HolderFrameType.Replay)) continue;
                run.Terminal.Push(payload);
                foreach (var line in run.Tail.Feed(payload))
                    if (readyLine is not null && line.Contains(readyLine, StringComparison.Ordinal)) MarkRunning(run);
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            run.Terminal.Complete();
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug here must not leave the run "alive" for ever (a stop would wait on it): record what is known.
            _log.FollowFailed(e);
        }
        if (run.Holder is { } open) await open.DisposeAsync();
        End(run, exit ?? ReadExit(), run.RunningSince is { } since ? _clock.GetUtcNow() - since : null);
    }

    /// <summary>Records how a run ended: a stop that was asked for, or a crash (then backoff or error).</summary>
    private void End(ServerRun run, HolderExit? exit, TimeSpan? runningFor)
    {
        run.Terminal.Complete();
        File.Delete(_paths.Exit);
        var now = _clock.GetUtcNow();
        var uptime = exit is not null ? exit.ExitedAt - exit.StartedAt : now - run.StartedAt;
        lock (_gate)
        {
            if (_run == run) _run = null;
        }

        if (run.StopRequested || exit?.StopRequested == true)
        {
            _log.Stopped(run.Pid, exit?.ExitCode, exit?.Signal);
            _journal.Append("server.stopped", new { pid = run.Pid, exit?.ExitCode, exit?.Signal, uptimeSeconds = uptime.TotalSeconds });
            lock (_gate)
            {
                _state = ServerState.Offline;
                Remember(_record with { State = ServerState.Offline, RestartAt = null });
            }
        }
        else
        {
            Crashed(run, exit, uptime, runningFor, now);
        }
        run.Ended.TrySetResult();
    }

    private void Crashed(ServerRun run, HolderExit? exit, TimeSpan uptime, TimeSpan? runningFor, DateTimeOffset now)
    {
        var tail = exit?.LogTail ?? run.Tail.Lines();
        var oomKillRose = _cgroup is { } cgroup && cgroup.OomKills() > run.OomKillsAtStart;
        var classification = CrashClassifier.Classify(exit?.ExitCode, exit?.Signal, tail, oomKillRose, _cgroup?.UnderPressure() ?? false);
        var crash = new ServerCrash(exit?.ExitedAt ?? now, exit?.ExitCode, exit?.Signal, uptime.TotalSeconds, classification, tail);

        // Journal and classification first, state last: whoever sees "crashed" or "error" finds the record.
        RestartDecision decision;
        lock (_gate) decision = _policy.AfterCrash(_record.ConsecutiveCrashes, runningFor);
        var name = EnumNames.Of(classification);
        _provisioning.Update(s => s with { LastCrashClassification = name });
        _log.Crashed(name, run.Pid, crash.ExitCode, crash.Signal, decision.ConsecutiveCrashes);
        _journal.Append("server.crashed", new
        {
            pid = run.Pid, crash.At, crash.ExitCode, crash.Signal, crash.UptimeSeconds, classification = name,
            consecutiveCrashes = decision.ConsecutiveCrashes, crash.LogTail,
        });
        if (decision.Delay is { } delay)
        {
            _log.RestartScheduled(delay);
            _journal.Append("server.restart_scheduled", new { delaySeconds = delay.TotalSeconds, at = now + delay, attempt = decision.ConsecutiveCrashes });
        }
        else
        {
            _log.EnteredError(decision.ConsecutiveCrashes);
            _journal.Append("server.error", new { consecutiveCrashes = decision.ConsecutiveCrashes, lastClassification = name });
        }

        lock (_gate)
        {
            _state = decision.EntersError ? ServerState.Error : ServerState.Crashed;
            Remember(new SupervisionRecord(_state, decision.ConsecutiveCrashes, crash, now + decision.Delay));
        }
        if (decision.Delay is { } due) ScheduleRestart(due);
    }

    private void ScheduleRestart(TimeSpan delay)
    {
        CancellationTokenSource timer;
        lock (_gate)
        {
            CancelRestartTimer();
            timer = _restartTimer = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        }
        _ = Task.Run(async () =>
        {
            try { await Task.Delay(delay, _clock, timer.Token); }
            catch (OperationCanceledException) { return; }
            await PowerAsync(PowerAction.Start, automatic: true);
        });
    }

    private void CancelRestartTimer()
    {
        _restartTimer?.Cancel();
        _restartTimer = null;
    }

    // :: Stop, restart, kill -----------------------------------------------------------------------

    /// <summary>The stop command, the graceful timeout, SIGTERM, the timeout again, SIGKILL.</summary>
    private async Task<(PowerResult?, PowerFailure?)> StopCoreAsync()
    {
        ServerRun? run;
        lock (_gate)
        {
            CancelRestartTimer();
            run = _run;
            if (run is null)
            {
                // A crashed server waiting for its restart, or one in error, is simply offline now.
                _state = ServerState.Offline;
                Remember(_record with { State = ServerState.Offline, RestartAt = null });
                return Done(PowerAction.Stop, "already offline");
            }
            _state = ServerState.Stopping;
        }
        await run.RequestStopAsync();
        var spec = _provisioning.Current.Server;
        var graceful = TimeSpan.FromSeconds(spec?.GracefulTimeoutSeconds ?? 30);
        if (spec?.StopCommand is { } command && run.Holder is { } holder)
        {
            await holder.SendInputAsync(System.Text.Encoding.UTF8.GetBytes(command + "\r"), CancellationToken.None);
            if (await EndsWithinAsync(run, graceful)) return Done(PowerAction.Stop, "stopped");
        }
        foreach (var signal in (int[])[Signals.Term, Signals.Kill])
        {
            _log.Escalated(signal, graceful);
            if (run.Holder is { } h) await h.SignalAsync(signal, CancellationToken.None);
            if (await EndsWithinAsync(run, signal == Signals.Kill ? null : graceful)) break;
        }
        return Done(PowerAction.Stop, "stopped");
    }

    private async Task<(PowerResult?, PowerFailure?)> RestartCoreAsync()
    {
        await StopCoreAsync();
        var (started, failure) = await StartCoreAsync(automatic: false);
        return failure is not null ? (null, failure) : Done(PowerAction.Restart, started!.Outcome == "started" ? "restarted" : started.Outcome);
    }

    private async Task<(PowerResult?, PowerFailure?)> KillAsync()
    {
        ServerRun? run;
        lock (_gate) run = _run;
        if (run is null) return Done(PowerAction.Kill, "not running");
        await run.RequestStopAsync();
        if (run.Holder is { } holder) await holder.SignalAsync(Signals.Kill, CancellationToken.None);
        await EndsWithinAsync(run, null);
        return Done(PowerAction.Kill, "killed");
    }

    /// <summary>True when the run ended within <paramref name="timeout"/> (policy time), or within <see cref="KillWait"/> (real time) when null.</summary>
    private async Task<bool> EndsWithinAsync(ServerRun run, TimeSpan? timeout)
    {
        using var cancel = new CancellationTokenSource();
        var delay = timeout is { } t ? Task.Delay(t, _clock, cancel.Token) : Task.Delay(KillWait, cancel.Token);
        var first = await Task.WhenAny(run.Ended.Task, delay);
        await cancel.CancelAsync();
        return first == run.Ended.Task;
    }

    // :: Agent start-up and shut-down --------------------------------------------------------------

    /// <summary>Reattaches to a live holder, or records an exit that happened while the agent was down, or resumes a scheduled restart.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_agent.Kind != ContainerKind.Game) return;
        if (await HolderConnection.TryConnectAsync(_paths, cancellationToken) is { } holder)
        {
            // The holder's clock dates the start; carried over as an age so uptimes stay on the agent's clock.
            var age = DateTimeOffset.UtcNow - holder.Hello.StartedAt;
            var spec = _provisioning.Current.Server;
            var run = new ServerRun(holder, holder.Hello.ServerPid, _clock.GetUtcNow() - age, _cgroup?.OomKills() ?? 0, spec?.StopCommand);
            lock (_gate)
            {
                _run = run;
                _state = ServerState.Starting;
            }
            _log.Reattached(holder.Hello.HolderPid, holder.Hello.ServerPid);
            _journal.Append("server.reattached", new { pid = holder.Hello.ServerPid, holderPid = holder.Hello.HolderPid });
            Attach(run, spec ?? new ServerSpec("unknown"));   // the replay is scanned for the ready line again
            return;
        }
        if (ReadExit() is { } exit)
        {
            // The run ended while no agent was watching: its whole uptime stands in for "running for".
            var run = new ServerRun(null, exit.ServerPid, _clock.GetUtcNow(), _cgroup?.OomKills() ?? 0, null);
            End(run, exit, exit.ExitedAt - exit.StartedAt);
            return;
        }
        lock (_gate) _state = _record.State;
        if (_record is { State: ServerState.Crashed, RestartAt: { } due })
            ScheduleRestart(due - _clock.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }

    /// <summary>The agent is going down: stop watching, leave the server and its holder running.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _shutdown.CancelAsync();
        ServerRun? run;
        lock (_gate) run = _run;
        if (run?.Holder is { } holder) await holder.DisposeAsync();
    }

    // :: Helpers -----------------------------------------------------------------------------------

    private HolderLaunch Launch(ServerSpec spec)
    {
        var root = _agent.ServerRoot;
        Directory.CreateDirectory(root);
        var state = _provisioning.Current;
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = (state.RuntimeInstallPath is { } runtime ? Path.Combine(runtime, "bin") + ":" : "")
                + (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin"),
            ["LANG"] = "C.UTF-8",
        };
        if (state.RuntimeInstallPath is { } home && state.Runtime == "java") environment["JAVA_HOME"] = home;
        var runAs = UnixAccount.AgentIsRoot && UnixAccount.Find(_agent.DevUser) is not null ? _agent.DevUser : null;
        return new HolderLaunch(spec.Command, spec.Args ?? [], Path.GetFullPath(Path.Combine(root, spec.WorkingDirectory ?? ".")),
            environment, runAs);
    }

    private HolderExit? ReadExit()
    {
        try
        {
            return File.Exists(_paths.Exit)
                ? JsonSerializer.Deserialize<HolderExit>(File.ReadAllBytes(_paths.Exit), JsonSerializerOptions.Web)
                : null;
        }
        catch (Exception e) when (e is IOException or JsonException) { return null; }
    }

    private void Remember(SupervisionRecord record) => _store.Save(_record = record);

    private (PowerResult?, PowerFailure?) Done(PowerAction action, string outcome) =>
        (new PowerResult(action.ToString().ToLowerInvariant(), outcome, Status()!), null);

    private (PowerResult?, PowerFailure?) Refuse(PowerAction action, PowerFailure failure)
    {
        _log.Refused(action, failure.Reason, failure.Message);
        return (null, failure);
    }

}
