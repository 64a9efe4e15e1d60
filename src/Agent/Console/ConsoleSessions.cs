using Microsoft.Extensions.Options;
using ZeroLagHub.Agent.Hosting;

namespace ZeroLagHub.Agent.Console;

/// <summary>
/// The container's console sessions, at most one per <see cref="ConsoleKind"/>. (The control plane keys
/// sessions by (container, kind); an agent serves exactly one container, so the kind alone is the key here.)
/// The dev shell starts on the first attach; the server console is handed in by the supervisor through
/// <see cref="OpenServerConsole"/> whenever its server starts or is found again after an agent restart.
/// </summary>
public sealed class ConsoleSessions : IAsyncDisposable
{
    private readonly Dictionary<ConsoleKind, ConsoleSession> _sessions = [];
    private readonly Lock _gate = new();
    private readonly ConsoleOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;
    private readonly ShellLauncher _shells;

    public ConsoleSessions(IOptions<AgentOptions> agent, IOptions<ConsoleOptions> options, TimeProvider clock, ILogger<ConsoleSessions> log)
    {
        _options = options.Value;
        _clock = clock;
        _log = log;
        _shells = new ShellLauncher(agent, log);
    }

    /// <summary>
    /// Makes <paramref name="terminal"/> the server console (the session owns and disposes it) and returns its
    /// session, which ends when the terminal's <c>ReadAsync</c> returns 0. A server console still open is
    /// ended first (its clients are closed and reconnect to the new one).
    /// </summary>
    public ConsoleSession OpenServerConsole(IConsoleTerminal terminal)
    {
        ConsoleSession? previous;
        ConsoleSession session;
        lock (_gate)
        {
            _sessions.TryGetValue(ConsoleKind.Server, out previous);
            session = NewSession(ConsoleKind.Server, terminal, () => ValueTask.FromResult("server console closed"));
            _sessions[ConsoleKind.Server] = session;
        }
        _ = previous?.StopAsync("server console replaced: reconnect");
        _log.SessionStarted(ConsoleKind.Server, null);
        return session;
    }

    /// <summary>The running session of <paramref name="kind"/>, or null.</summary>
    public ConsoleSession? Find(ConsoleKind kind)
    {
        lock (_gate) return _sessions.GetValueOrDefault(kind);
    }

    /// <summary>The dev shell's session, starting a shell if none runs. Throws <see cref="IOException"/> when the shell cannot start.</summary>
    public ConsoleSession GetOrStartShell(int rows, int cols)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(ConsoleKind.Shell, out var running)) return running;
            var pty = _shells.Start(rows, cols);
            var session = NewSession(ConsoleKind.Shell, new PtyConsoleTerminal(pty), async () => $"shell ended ({await pty.Exited})");
            _sessions[ConsoleKind.Shell] = session;
            _log.SessionStarted(ConsoleKind.Shell, pty.Pid);
            return session;
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<ConsoleSession> sessions;
        lock (_gate) sessions = [.. _sessions.Values];
        await Task.WhenAll(sessions.Select(s => s.StopAsync("agent stopping")));
    }

    private ConsoleSession NewSession(ConsoleKind kind, IConsoleTerminal terminal, Func<ValueTask<string>> endReason) =>
        new(kind, terminal, _options, _clock, _log, endReason, Forget);

    private void Forget(ConsoleSession session)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(session.Kind, out var current) && current == session) _sessions.Remove(session.Kind);
        }
    }
}
