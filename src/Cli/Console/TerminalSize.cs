using System.Globalization;
using System.Runtime.InteropServices;

namespace ZeroLagHub.Cli.Consoles;

/// <summary>The local terminal's size in character cells, as the console's <c>rows</c>/<c>cols</c> and resize messages carry it.</summary>
internal readonly record struct TerminalSize(int Rows, int Cols)
{
    /// <summary>The agent refuses larger dimensions.</summary>
    private const int MaxDimension = 1000;

    /// <summary>The size of the terminal on stdout, else on stdin, else on stderr; null when none of them is a terminal.</summary>
    public static TerminalSize? Read()
    {
        foreach (var fd in (int[])[1, 0, 2])
        {
            if (TerminalLibc.ioctl(fd, TerminalLibc.TIOCGWINSZ, out var size) == 0 && size.Rows > 0 && size.Cols > 0)
                return new TerminalSize(Math.Min((int)size.Rows, MaxDimension), Math.Min((int)size.Cols, MaxDimension));
        }
        return null;
    }

    /// <summary>Calls <paramref name="changed"/> on each SIGWINCH (the terminal was resized) until disposed (null: no SIGWINCH on Windows).</summary>
    public static IDisposable? Watch(Action changed) =>
        OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => changed());

    /// <summary>The query string of the console route.</summary>
    public string Query => string.Create(CultureInfo.InvariantCulture, $"&rows={Rows}&cols={Cols}");

    /// <summary>The control message (a text frame) that resizes the remote terminal.</summary>
    public string ResizeMessage => string.Create(CultureInfo.InvariantCulture, $$"""{"type":"resize","rows":{{Rows}},"cols":{{Cols}}}""");
}
