using System.Diagnostics;
using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Agent.Install;
using ZeroLagHub.Agent.Journal;
using ZeroLagHub.Agent.Provisioning;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.CodeServer;

/// <summary>
/// Starts and stops code-server: <c>bin/code-server --auth none --disable-telemetry --socket &lt;RunDir&gt;/code-server/code-server.sock
/// --socket-mode 600 &lt;workspace&gt;</c>, as the dev user when the agent is root. No TCP port at all: with
/// <c>--auth none</c> anyone reaching it gets a shell, so only the agent (which checks its token) may reach it,
/// through a socket in a directory of code-server's user alone (<see cref="CodeServerSocket"/>). One lock
/// serialises start/stop/restart.
/// </summary>
/// <remarks>
/// "Running" comes from <see cref="CodeServerLocator.FindRunning"/> (/proc), so a code-server started by
/// an earlier agent is seen and can be stopped. One that dies unasked is journalled
/// (<c>codeserver.died</c>) and reported in <see cref="LastExit"/>; it is never restarted here, so a
/// crash loop cannot spin: starting it again is the control plane's (or user's) decision. One that runs but not
/// on the socket (an older agent's, on a loopback port) is replaced by a start, and at agent start-up.
/// Known gap: the death of a code-server started by an earlier agent is only seen as "not running".
/// </remarks>
public sealed class CodeServerSupervisor(
    IOptions<AgentOptions> options, CodeServerLocator locator, AgentJournal journal, TimeProvider clock, ILogger<CodeServerSupervisor> log)
{
    private static readonly TimeSpan ListenTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Session? _session;

    /// <summary>How the last code-server this agent started ended without being asked to; null if it has not.</summary>
    public CodeServerExit? LastExit { get; private set; }

    /// <summary>What runs now; <paramref name="outcome"/> names what the caller just did (default: running / not running).</summary>
    public CodeServerState Current(string? outcome = null) => locator.FindRunning() is { } pid
        ? new CodeServerState(outcome ?? "running", true, pid, locator.SocketPath, LastExit)
        : new CodeServerState(outcome ?? "not running", false, null, locator.SocketPath, LastExit);

    public async Task<(CodeServerState? State, CodeServerFailure? Failure)> StartAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try { return await StartLockedAsync(ct); }
        finally { _gate.Release(); }
    }

    public async Task<CodeServerState> StopAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try { return await StopLockedAsync(ct); }
        finally { _gate.Release(); }
    }

    public async Task<(CodeServerState? State, CodeServerFailure? Failure)> RestartAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await StopLockedAsync(ct);
            return await StartLockedAsync(ct);
        }
        finally { _gate.Release(); }
    }

    private async Task<(CodeServerState?, CodeServerFailure?)> StartLockedAsync(CancellationToken ct)
    {
        var o = options.Value;
        if (locator.FindRunning() is { } running)
        {
            if (OnSocketWithHopLink()) return (Current("already running"), null);
            // Not on our socket (an earlier agent's, on a loopback port any local user can open), or without the
            // hop's link to it (an agent from before the link; the IDE would be a 502): replaced.
            log.Replacing(running, locator.SocketPath);
            await StopLockedAsync(ct);
        }
        if (!locator.IsInstalled) return Refuse(CodeServerRejection.NotInstalled, "code-server is not installed: provision with the code-server addon first", []);
        if (!Directory.Exists(o.WorkspaceRoot)) return Refuse(CodeServerRejection.NotProvisioned, $"the workspace {o.WorkspaceRoot} does not exist: provision first", []);
        var socket = locator.SocketPath;
        if (CodeServerSocket.CheckLength(socket) is { } tooLong) return Refuse(CodeServerRejection.SocketUnavailable, tooLong, []);

        var (start, user, dev) = StartInfo(o, socket);
        if (CodeServerSocket.PrepareDirectory(locator.SocketDirectory, dev) is { } notPrivate)
            return Refuse(CodeServerRejection.SocketUnavailable, notPrivate, []);
        // A socket left by a killed code-server would pass the readiness check below before the new one listens.
        if (!CodeServerSocket.RemoveStale(socket))
            return Refuse(CodeServerRejection.SocketUnavailable, $"{socket} exists and is not a socket the agent can remove", []);
        var session = new Session(new InstallOutput());
        Process process;
        try
        {
            process = new Process { StartInfo = start, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) session.Output.Add(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) session.Output.Add(e.Data); };
            process.Exited += (_, _) => OnExited(session);
            session.Process = process;
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return Refuse(CodeServerRejection.StartFailed, $"cannot start {start.FileName}: {e.Message}", []);
        }
        _session = session;
        session.Pid = process.Id;

        // Ready means listening, on a socket only its user may open (code-server sets the mode just after it
        // listens): the IDE forwarder would otherwise get "connection refused" for a while.
        var deadline = clock.GetUtcNow() + ListenTimeout;
        while (!(await CodeServerSocket.AcceptsAsync(socket, ct) && CodeServerSocket.IsPrivate(socket)))
        {
            if (process.HasExited)
                return Refuse(CodeServerRejection.ExitedOnStart, $"code-server exited with {process.ExitCode} before listening", session.Output.Tail());
            if (clock.GetUtcNow() > deadline)
            {
                var why = await CodeServerSocket.AcceptsAsync(socket, ct)
                    ? $"code-server listens on {socket} but left it open to other users (not mode {CodeServerSocket.Mode})"
                    : $"code-server did not listen on {socket} within {ListenTimeout.TotalSeconds} s";
                await StopLockedAsync(ct);
                return Refuse(CodeServerRejection.NotListening, why, session.Output.Tail());
            }
            await Task.Delay(100, ct);
        }
        // Only now does the IDE hop get a name for the socket, one the container's code cannot replace.
        if (await CodeServerHandOff.LinkAsync(socket, locator.HopSocketPath, process.Id, ct) is { } notOurs)
        {
            var tail = session.Output.Tail();
            await StopLockedAsync(ct);
            return Refuse(CodeServerRejection.SocketUnavailable, notOurs, tail);
        }
        log.Started(process.Id, socket, user);
        journal.Append("codeserver.started", new { pid = process.Id, socket, user });
        return (Current("started"), null);
    }

    private async Task<CodeServerState> StopLockedAsync(CancellationToken ct)
    {
        if (_session is { } session) session.StopRequested = true;
        var stopped = new List<int>();
        // Several passes: a wrapper script may leave children, and an earlier agent's code-server has no handle.
        var giveUp = clock.GetUtcNow() + 4 * StopGrace;   // a pid we may not signal must not hang the lock forever
        for (var signal = Signals.Term; locator.FindRunning() is { } pid && clock.GetUtcNow() < giveUp;)
        {
            Signals.Send(pid, signal);
            if (!stopped.Contains(pid)) stopped.Add(pid);
            var deadline = clock.GetUtcNow() + StopGrace;
            while (locator.FindRunning() == pid && clock.GetUtcNow() < deadline) await Task.Delay(50, ct);
            if (locator.FindRunning() == pid) signal = Signals.Kill;   // ignored SIGTERM for the whole grace period
        }
        if (_session?.Process is { HasExited: false } process)
        {
            try { await process.WaitForExitAsync(ct).WaitAsync(StopGrace, ct); }
            catch (TimeoutException) { }   // gone from /proc already; its handle catches up on its own
        }
        foreach (var pid in stopped)
        {
            log.Stopped(pid);
            journal.Append("codeserver.stopped", new { pid });
        }
        if (locator.FindRunning() is null)
        {
            CodeServerSocket.RemoveStale(locator.SocketPath);   // a killed one leaves its socket
            CodeServerSocket.RemoveStale(locator.HopSocketPath);
        }
        return Current(stopped.Count > 0 ? "stopped" : "not running");
    }

    private void OnExited(Session session)
    {
        if (session.StopRequested) return;
        var exitCode = session.Process!.ExitCode;
        session.Process.WaitForExit();   // flushes the last redirected output lines into session.Output
        LastExit = new CodeServerExit(clock.GetUtcNow(), exitCode, session.Output.Tail());
        log.Died(session.Pid, exitCode);
        journal.Append("codeserver.died", new { pid = session.Pid, exitCode, output = session.Output.Tail() });
    }

    /// <summary>
    /// As the dev user through <c>setpriv</c> (exec, so the pid and /proc cmdline are code-server's) when root; else as
    /// the agent. <c>Dev</c> is that user's account, null when code-server runs as the agent.
    /// </summary>
    private (ProcessStartInfo Start, string User, UnixAccount? Dev) StartInfo(AgentOptions o, string socket)
    {
        var bin = Path.Combine(locator.InstallDir, "bin", "code-server");
        var dev = UnixAccount.AgentIsRoot ? UnixAccount.Find(o.DevUser) : null;
        var start = new ProcessStartInfo(dev is null ? bin : "setpriv")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = o.WorkspaceRoot,
        };
        if (dev is not null)
            foreach (var arg in (string[])["--reuid", dev.Uid.ToString(), "--regid", dev.Gid.ToString(), "--init-groups", "--", bin]) start.ArgumentList.Add(arg);
        else if (UnixAccount.AgentIsRoot)
            log.RunsAsAgent($"user {o.DevUser} does not exist");
        foreach (var arg in (string[])["--auth", "none", "--disable-telemetry", "--socket", socket, "--socket-mode", CodeServerSocket.Mode, o.WorkspaceRoot])
            start.ArgumentList.Add(arg);
        start.Environment["HOME"] = dev?.Home ?? o.DevHome;
        // The IDE's terminals start $SHELL, else the user's shell from passwd: on the local host that is
        // /usr/sbin/nologin (the container's user is a system user there), and every terminal would exit at once.
        start.Environment["SHELL"] = File.Exists("/bin/bash") ? "/bin/bash" : "/bin/sh";
        if (dev is not null) start.Environment["USER"] = dev.Name;
        return (start, dev?.Name ?? Environment.UserName, dev);
    }

    /// <summary>
    /// At agent start-up: a code-server that runs but not on <see cref="CodeServerLocator.SocketPath"/> (started by an
    /// agent from before code-server moved to a Unix socket, and so on a loopback port every local user can open), or
    /// without the hop's link to its socket (<see cref="CodeServerHandOff"/>), is restarted straight away, not left
    /// open (or out of the IDE's reach) until someone restarts it. Anything else is left as is:
    /// starting code-server is otherwise the control plane's decision.
    /// </summary>
    public async Task ReplaceIfNotOnSocketAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (locator.FindRunning() is null || OnSocketWithHopLink()) return;
            await StartLockedAsync(ct);   // replaces it (see there)
        }
        finally { _gate.Release(); }
    }

    private bool OnSocketWithHopLink() => locator.RunsOnSocket() && Path.Exists(locator.HopSocketPath);

    private (CodeServerState?, CodeServerFailure?) Refuse(CodeServerRejection reason, string message, IReadOnlyList<string> output)
    {
        log.NotStarted(reason.ToString(), message);
        return (null, new CodeServerFailure(reason, message, output));
    }

    /// <summary>One launched code-server: its handle, output tail, and whether its end was asked for.</summary>
    private sealed class Session(InstallOutput output)
    {
        public InstallOutput Output { get; } = output;
        public Process? Process { get; set; }
        public int Pid { get; set; }
        public volatile bool StopRequested;
    }
}
