using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.Hosting;
using ZeroLagHub.Agent.Install;
using ZeroLagHub.Agent.Journal;
using ZeroLagHub.Agent.Provisioning;
using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.CodeServer;

/// <summary>
/// Starts and stops code-server: <c>bin/code-server --auth none --disable-telemetry --bind-addr
/// 127.0.0.1:&lt;port&gt; &lt;workspace&gt;</c>, as the dev user when the agent is root. Loopback only:
/// with <c>--auth none</c> anyone reaching the port gets a shell, so only the agent (which checks its
/// token) may reach it. One lock serialises start/stop/restart.
/// </summary>
/// <remarks>
/// "Running" comes from <see cref="CodeServerLocator.FindRunning"/> (/proc), so a code-server started by
/// an earlier agent is seen and can be stopped. One that dies unasked is journalled
/// (<c>codeserver.died</c>) and reported in <see cref="LastExit"/>; it is never restarted here, so a
/// crash loop cannot spin: starting it again is the control plane's (or user's) decision.
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

    private int Port => options.Value.CodeServerPort;

    /// <summary>What runs now; <paramref name="outcome"/> names what the caller just did (default: running / not running).</summary>
    public CodeServerState Current(string? outcome = null) => locator.FindRunning() is { } pid
        ? new CodeServerState(outcome ?? "running", true, pid, Port, LastExit)
        : new CodeServerState(outcome ?? "not running", false, null, Port, LastExit);

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
        if (locator.FindRunning() is not null) return (Current("already running"), null);
        if (!locator.IsInstalled) return Refuse(CodeServerRejection.NotInstalled, "code-server is not installed: provision with the code-server addon first", []);
        if (!Directory.Exists(o.WorkspaceRoot)) return Refuse(CodeServerRejection.NotProvisioned, $"the workspace {o.WorkspaceRoot} does not exist: provision first", []);
        if (await ListensAsync(ct)) return Refuse(CodeServerRejection.PortInUse, $"something else listens on 127.0.0.1:{Port}", []);

        var (start, user) = StartInfo(o);
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

        // Ready means listening: the IDE forwarder would otherwise get "connection refused" for a while.
        var deadline = clock.GetUtcNow() + ListenTimeout;
        while (!await ListensAsync(ct))
        {
            if (process.HasExited)
                return Refuse(CodeServerRejection.ExitedOnStart, $"code-server exited with {process.ExitCode} before listening", session.Output.Tail());
            if (clock.GetUtcNow() > deadline)
            {
                await StopLockedAsync(ct);
                return Refuse(CodeServerRejection.NotListening, $"code-server did not listen on 127.0.0.1:{Port} within {ListenTimeout.TotalSeconds} s", session.Output.Tail());
            }
            await Task.Delay(100, ct);
        }
        log.Started(process.Id, Port, user);
        journal.Append("codeserver.started", new { pid = process.Id, port = Port, user });
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

    /// <summary>As the dev user through <c>setpriv</c> (exec, so the pid and /proc cmdline are code-server's) when root; else as the agent.</summary>
    private (ProcessStartInfo Start, string User) StartInfo(AgentOptions o)
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
        foreach (var arg in (string[])["--auth", "none", "--disable-telemetry", "--bind-addr", $"127.0.0.1:{Port}", o.WorkspaceRoot])
            start.ArgumentList.Add(arg);
        start.Environment["HOME"] = dev?.Home ?? o.DevHome;
        if (dev is not null) start.Environment["USER"] = dev.Name;
        return (start, dev?.Name ?? Environment.UserName);
    }

    private async Task<bool> ListensAsync(CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, Port, ct);
            return true;
        }
        catch (SocketException) { return false; }
    }

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
