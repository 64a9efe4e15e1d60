using System.Runtime.InteropServices;

namespace ZeroLagHub.Cli.Consoles;

/// <summary>
/// The libc calls the console needs for its own terminal: raw mode (termios) and the window size.
/// <c>struct termios</c> is only ever handed back to libc (<c>cfmakeraw</c> fills it in), so it is passed as
/// an over-sized opaque block rather than declared field by field (its layout differs between libcs).
/// </summary>
// NOTE: DllImport rather than LibraryImport (which needs AllowUnsafeBlocks), as in the agent's PTY layer.
internal static class TerminalLibc
{
    private const string Lib = "libc";

    public const int StdIn = 0;

    /// <summary>glibc's termios is 60 bytes, musl's 60, macOS's 72; a generous block covers all.</summary>
    public const int TermiosSize = 256;

    /// <summary>tcsetattr: apply once the output written so far has been transmitted.</summary>
    public const int TCSADRAIN = 1;

    /// <summary>Linux: the same value on x86-64 and aarch64 (the generic ioctl table); macOS: _IOR('t', 104, struct winsize).</summary>
    public static readonly ulong TIOCGWINSZ = OperatingSystem.IsMacOS() ? 0x40087468UL : 0x5413UL;

    [StructLayout(LayoutKind.Sequential)]
    public struct WinSize
    {
        public ushort Rows;
        public ushort Cols;
        public ushort XPixel;
        public ushort YPixel;
    }

    [DllImport(Lib, SetLastError = true)]
    public static extern int tcgetattr(int fd, [Out] byte[] termios);

    [DllImport(Lib, SetLastError = true)]
    public static extern int tcsetattr(int fd, int optionalActions, [In] byte[] termios);

    [DllImport(Lib)]
    public static extern void cfmakeraw([In, Out] byte[] termios);

    [DllImport(Lib, SetLastError = true)]
    public static extern int ioctl(int fd, ulong request, out WinSize size);
}
