using System.Runtime.InteropServices;

namespace ZeroLagHub.Cli.Consoles;

/// <summary>
/// The local terminal in raw mode (<c>cfmakeraw</c> on stdin: no echo, no line editing, no signals from
/// Ctrl-C or Ctrl-Z, no output processing), so every keystroke goes to the remote terminal as it is typed.
/// The saved settings are put back exactly once: on <see cref="Dispose"/>, on process exit, and first thing
/// on SIGINT, SIGTERM, SIGQUIT or SIGHUP sent from outside (the default handling then goes on).
/// </summary>
internal sealed class RawMode : IDisposable
{
    private static readonly PosixSignal[] Terminating = [PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT, PosixSignal.SIGHUP];

    private readonly byte[] _saved;
    private readonly List<PosixSignalRegistration> _signals = [];
    private int _restored;

    private RawMode(byte[] saved)
    {
        _saved = saved;
        foreach (var signal in Terminating) _signals.Add(PosixSignalRegistration.Create(signal, _ => Restore()));
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>Raw mode on stdin when stdin is a terminal; null (nothing changed) when it is not.</summary>
    /// <exception cref="IOException">stdin is a terminal that refused the new settings.</exception>
    public static RawMode? Enter()
    {
        if (Console.IsInputRedirected) return null;
        var saved = new byte[TerminalLibc.TermiosSize];
        if (TerminalLibc.tcgetattr(TerminalLibc.StdIn, saved) != 0) return null;
        var raw = (byte[])saved.Clone();
        TerminalLibc.cfmakeraw(raw);
        if (TerminalLibc.tcsetattr(TerminalLibc.StdIn, TerminalLibc.TCSADRAIN, raw) != 0)
            throw new IOException($"cannot put the terminal in raw mode (tcsetattr: errno {Marshal.GetLastPInvokeError()})");
        return new RawMode(saved);
    }

    /// <summary>Puts the saved settings back (once; later calls do nothing).</summary>
    public void Restore()
    {
        if (Interlocked.Exchange(ref _restored, 1) == 0) _ = TerminalLibc.tcsetattr(TerminalLibc.StdIn, TerminalLibc.TCSADRAIN, _saved);
    }

    private void OnProcessExit(object? sender, EventArgs e) => Restore();

    public void Dispose()
    {
        Restore();
        foreach (var signal in _signals) signal.Dispose();
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
    }
}
