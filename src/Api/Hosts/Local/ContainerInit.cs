using System.Runtime.InteropServices;
using System.Text.Json;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// The long-lived first process of a local container, recorded in <c>host.json</c> so a restarted API finds
/// it again: its pid with its start time (one process for good, unlike a pid) and, under bubblewrap, the
/// inode of the container's PID namespace. Under bubblewrap it is bwrap's own pid 1 of that namespace, whose
/// only child is <see cref="Script"/> (pid 2): the namespace lives as long as that shell, and every process
/// in it (double-forked daemons included) dies with it.
/// </summary>
/// <param name="PidNamespace">Null without bubblewrap: then the init's session holds the container's processes.</param>
public sealed record ContainerInit(int Pid, long StartTime, long? PidNamespace)
{
    /// <summary>
    /// The init: a POSIX shell (about 1 MB per container, where another .NET process would take tens) that runs
    /// the agent and starts it again a second after it dies. SIGHUP: end the agent and start a fresh one (the API's
    /// restart; also ends a pause). SIGUSR1: end the agent and start none until SIGHUP (the API shutting down: the
    /// rest of the container, a game server's holder, keeps running). SIGTERM: end the agent and exit, which ends
    /// the namespace. <c>wait</c> returns early when a trapped signal arrives, hence the flag and the second wait;
    /// a pause waits on a long sleep, as a shell can only wait for a child. A signal between a fork and
    /// <c>child=$!</c> finds no child to end: the flag it leaves has the new child ended right after (else a
    /// resume would be lost on the pause's sleep). The end of a pause is no agent's exit: the agent starts at once.
    /// fd 4, when open, is the agent's listening socket, which the control plane bound (<see cref="AgentSocketDescriptor"/>):
    /// each agent gets it as fd 3 with <c>LISTEN_FDS=1</c> (systemd's socket activation), nothing else does (tested with
    /// <c>true</c>, not <c>:</c>: a failed redirection of a special built-in ends a POSIX shell). fd 5 is the
    /// write end of slirp4netns's exit pipe: the script alone keeps it (bubblewrap's pid 1 closes its copy), so the
    /// container's network ends with the script, that is with the namespace.
    /// Start it through <see cref="Command"/>.
    /// </summary>
    public const string Script = """
        exec 3>&-
        listen=; if { true <&4; } 2>/dev/null; then listen=1; fi
        log=$1; shift
        child=; stopping=; paused=; pausing=; woken=
        trap 'woken=1; paused=; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' HUP
        trap 'woken=1; paused=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' USR1
        trap 'woken=1; stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM
        while [ -z "$stopping" ]; do
          woken=; pausing=$paused
          if [ -n "$pausing" ]; then
            sleep 100000 4<&- 5>&- & child=$!
            echo "zlh-init: the agent is paused until the API is back" >>"$log"
          else
            if [ -n "$listen" ]; then LISTEN_FDS=1 "$@" 3<&4 4<&- 5>&- >>"$log" 2>&1 </dev/null & child=$!
            else "$@" 5>&- >>"$log" 2>&1 </dev/null & child=$!; fi
            echo "zlh-init: started the agent (pid $child)" >>"$log"
          fi
          [ -z "$woken" ] || kill -TERM "$child" 2>/dev/null
          while :; do woken=; wait "$child"; status=$?; [ -n "$woken" ] || break; done
          child=
          [ -n "$pausing$paused$stopping" ] || { echo "zlh-init: the agent exited ($status)" >>"$log"; sleep 1; }
        done
        """;

    /// <summary>
    /// The init's command line: <see cref="Script"/> writing to <paramref name="log"/>, running <paramref name="agent"/>.
    /// Every signal is set back to its default first: a shell cannot trap a signal that was ignored when it started
    /// (POSIX), and an API started under <c>nohup</c> (or as a background job: SIGINT, SIGQUIT) passes its ignored
    /// signals down; with SIGHUP ignored no restart or resume would ever reach the agent.
    /// </summary>
    /// <summary>The descriptor the init finds the agent's listening socket at.</summary>
    public const int AgentSocketDescriptor = 4;

    /// <summary>How long an init may take to set its traps (as bubblewrap may take to report its namespace).</summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    /// <summary>The descriptor bubblewrap keeps the write end of slirp4netns's exit pipe at.</summary>
    public const int NetworkExitDescriptor = 5;

    public static IReadOnlyList<string> Command(string log, IReadOnlyList<string> agent) =>
        ["/usr/bin/env", "--default-signal", "/bin/sh", "-c", Script, "zlh-init", log, .. agent];

    /// <summary>Whether the recorded process still runs (not a later one that got its pid).</summary>
    public bool IsRunning => AsProcess().IsStill();

    /// <summary>
    /// Starts <paramref name="command"/> (the sandbox's wrapper around <c>sh -c Script</c>) in a session of its
    /// own, so neither the API's terminal nor its death reaches the container, its output in <paramref name="log"/>
    /// (a pipe to a dead API would kill it), and returns the init to record.
    /// </summary>
    /// <param name="environment">All the container gets: nothing of the API's environment passes unless listed.</param>
    /// <param name="status">Where bubblewrap writes the namespace's first pid (<c>--json-status-fd 3</c>).</param>
    /// <param name="handedIn">Descriptors the init gets at fixed numbers: <see cref="AgentSocketDescriptor"/>, <see cref="NetworkExitDescriptor"/>.</param>
    public static async Task<ContainerInit> StartAsync(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment,
        string log, string? status, CancellationToken ct, IReadOnlyList<(SafeHandle Descriptor, int As)>? handedIn = null)
    {
        if (status is not null) File.Delete(status);
        var started = DetachedSpawn.Start(command, environment, log, status, handedIn ?? []);
        var process = HostProcess.Read(started);
        if (status is null)
        {
            var alone = process ?? throw new InvalidOperationException($"the container's init exited at once (see {log})");
            return new ContainerInit(alone.Pid, alone.StartTime, null);
        }

        // bwrap writes one line once the namespace exists; it exits instead when it cannot make one. Waited for even when
        // cancelled (it is bounded): a container started and then not recorded would run on with nobody to stop it.
        ct = CancellationToken.None;
        var deadline = DateTime.UtcNow + StartLimit;
        ContainerInit? init = null;
        while (DateTime.UtcNow < deadline)
        {
            if (init is null && (File.Exists(status) ? await File.ReadAllTextAsync(status, ct) : "") is var text && text.EndsWith('\n'))
            {
                using var json = JsonDocument.Parse(text);
                var pid = json.RootElement.GetProperty("child-pid").GetInt32();
                var first = HostProcess.Read(pid) ?? throw new InvalidOperationException($"the container's namespace ended at once (see {log})");
                init = new ContainerInit(pid, first.StartTime, json.RootElement.GetProperty("pid-namespace").GetInt64());
            }
            // The report comes as the namespace is made, before bwrap has set it up inside: it brings up the loopback of a
            // network namespace of its own, and fails when something else (slirp4netns's --configure) does so at the same
            // time. Its second process, the script, is forked once that is done.
            if (init?.Shell() is not null) return init;
            if (process is null || !process.IsStill()) throw new InvalidOperationException($"bubblewrap exited (see {log})");
            await Task.Delay(20, ct);
        }
        throw new TimeoutException($"bubblewrap did not set up the container's namespace within {StartLimit.TotalSeconds:0} s (see {log})");
    }

    /// <summary>Every process of the container, while its init runs: the namespace's (or the init session's) members.</summary>
    public IReadOnlyList<HostProcess> Members()
    {
        // Only while it runs: a dead init's pid (a session id) or namespace inode may name someone else's by now.
        if (!IsRunning) return [];
        return PidNamespace is { } ns
            ? [.. HostProcess.All().Where(p => HostProcess.PidNamespaceOf(p.Pid) == ns)]
            : [.. HostProcess.All().Where(p => p.SessionId == Pid)];
    }

    /// <summary>The init script (the shell the namespace's life hangs on), if it runs.</summary>
    public HostProcess? Shell()
    {
        if (PidNamespace is null) return IsRunning ? AsProcess() : null;
        // Orphans are bwrap's children too; the script is the one that is pid 2 inside.
        return Members().FirstOrDefault(p => p.ParentPid == Pid && HostProcess.InnermostPid(p.Pid) == 2);
    }

    /// <summary>
    /// Has the init end the agent and start a new one (which reads its configuration afresh); returns once the old
    /// agent is gone. The rest of the container (a game server's holder) is not the init's child and stays.
    /// </summary>
    public Task RestartAgentAsync(TimeSpan grace, CancellationToken ct) => EndAgentAsync(HostProcess.SigHup, grace, ct);

    /// <summary>Has the init end the agent and start none until <see cref="RestartAgentAsync"/>; returns once the agent is gone.</summary>
    public Task PauseAgentAsync(TimeSpan grace, CancellationToken ct) => EndAgentAsync(HostProcess.SigUsr1, grace, ct);

    /// <summary>The agent, if one runs: the script's child other than the sleep of a pause or between two agents.</summary>
    public HostProcess? Agent() =>
        Shell() is { } shell ? Members().FirstOrDefault(p => p.ParentPid == shell.Pid && p.Name != "sleep") : null;

    /// <summary>
    /// The script once it has set its traps, else null. Until then the process that will be the script (bubblewrap's child
    /// setting up, <c>env</c>, a shell reading the script) dies of SIGHUP, SIGUSR1 and SIGTERM: under load that takes seconds.
    /// </summary>
    public HostProcess? ReadyShell() =>
        Shell() is { } shell && shell.Catches(HostProcess.SigHup, HostProcess.SigUsr1, HostProcess.SigTerm) ? shell : null;

    private async Task EndAgentAsync(int signal, TimeSpan grace, CancellationToken ct)
    {
        // Signalled only once it traps them: a signal earlier would end the init, and the container with it.
        HostProcess? shell;
        var deadline = DateTime.UtcNow + StartLimit;
        while ((shell = ReadyShell()) is null)
        {
            if (!IsRunning) throw new InvalidOperationException($"the container's init (pid {Pid}) does not run");
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"the container's init (pid {Pid}) set no traps within {StartLimit.TotalSeconds:0} s");
            await Task.Delay(50, ct);
        }
        var agents = Agent() is { } agent ? new List<HostProcess> { agent } : [];
        shell.Signal(signal);
        if (await GoneAsync(agents, grace, everyMember: false, ct)) return;
        foreach (var p in agents) p.Signal(HostProcess.SigKill);
        if (!await GoneAsync(agents, TimeSpan.FromSeconds(10), everyMember: false, ct))
            throw new InvalidOperationException($"the agent outlived SIGKILL: {string.Join(", ", agents.Where(p => p.IsStill()))}");
    }

    /// <summary>
    /// Ends every process of the container: SIGTERM to all of them (the agent and a game server get to shut down
    /// cleanly), SIGKILL after <paramref name="grace"/>, then waits until none is left. Returns what ran, for the stage log.
    /// </summary>
    public async Task<IReadOnlyList<HostProcess>> EndAsync(TimeSpan grace, CancellationToken ct)
    {
        var members = Members();
        foreach (var p in members) p.Signal(HostProcess.SigTerm);
        if (await GoneAsync([.. members, AsProcess()], grace, everyMember: true, ct)) return members;
        // Before the init: its namespace's members die with it, a session's would be unseen once it is gone.
        var left = Members().Concat(members).ToList();
        // SIGKILL to the namespace's first process kills every process in it at once, fork bombs included.
        AsProcess().Signal(HostProcess.SigKill);
        foreach (var p in left) p.Signal(HostProcess.SigKill);
        if (!await GoneAsync([.. left, AsProcess()], TimeSpan.FromSeconds(10), everyMember: true, ct))
            throw new InvalidOperationException($"processes of the container outlived SIGKILL: {string.Join(", ", left.Where(p => p.IsStill()))}");
        return members;
    }

    /// <summary>Whether <paramref name="processes"/> (and every member) are gone within <paramref name="within"/>; polled, as they are not our children.</summary>
    private async Task<bool> GoneAsync(IReadOnlyList<HostProcess> processes, TimeSpan within, bool everyMember, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + within;
        while (processes.Any(p => p.IsStill()) || (everyMember && Members().Count > 0))
        {
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(50, ct);
        }
        return true;
    }

    private HostProcess AsProcess() => new(Pid, StartTime, 0, 0, 0, "init");
}
