using System.Runtime.InteropServices;

namespace ZeroLagHub.Agent.Pty.Native;

/// <summary>
/// The libc calls the PTY layer needs. Nothing here forks: the child is started with posix_spawnp, which
/// glibc implements with clone(CLONE_VM|CLONE_VFORK) and which is safe to call from a multi-threaded runtime.
/// </summary>
// NOTE: DllImport rather than LibraryImport (which needs AllowUnsafeBlocks); the opaque glibc structures
// (spawn attributes, file actions, sigset_t, siginfo_t) are passed as over-sized unmanaged blocks.
internal static class PtyLibc
{
    private const string Lib = "libc";

    public const int O_RDWR = 0x2;
    public const int O_NOCTTY = 0x100;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EAGAIN = 11;
    public const int ECHILD = 10;

    public const short POLLIN = 0x1;
    public const short POLLOUT = 0x4;
    public const short POLLERR = 0x8;
    public const short POLLHUP = 0x10;

    /// <summary>Same value on x86-64 and aarch64 (the generic ioctl table).</summary>
    public const ulong TIOCSWINSZ = 0x5414;

    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const short POSIX_SPAWN_SETSID = 0x80;

    public const int P_PID = 1;
    public const int WEXITED = 4;
    public const int WNOWAIT = 0x01000000;

    public const int SIGHUP = 1;
    public const int SIGKILL = 9;

    /// <summary>glibc's posix_spawnattr_t is 336 bytes, posix_spawn_file_actions_t 80, sigset_t 128, siginfo_t 128 on 64-bit; generous blocks cover all.</summary>
    public const int OpaqueSize = 1024;

    [StructLayout(LayoutKind.Sequential)]
    public struct WinSize
    {
        public ushort Rows;
        public ushort Cols;
        public ushort XPixel;
        public ushort YPixel;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [DllImport(Lib, SetLastError = true)]
    public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport(Lib, SetLastError = true)]
    public static extern int close(int fd);

    [DllImport(Lib, SetLastError = true)]
    public static extern int grantpt(int fd);

    [DllImport(Lib, SetLastError = true)]
    public static extern int unlockpt(int fd);

    /// <summary>Returns an errno value (not -1) on failure.</summary>
    [DllImport(Lib)]
    public static extern int ptsname_r(int fd, [Out] byte[] buf, nuint buflen);

    [DllImport(Lib, SetLastError = true)]
    public static extern int ioctl(int fd, ulong request, ref WinSize size);

    [DllImport(Lib, SetLastError = true)]
    public static extern nint read(int fd, [Out] byte[] buf, nuint count);

    [DllImport(Lib, SetLastError = true)]
    public static extern nint write(int fd, ref byte buf, nuint count);

    [DllImport(Lib, SetLastError = true)]
    public static extern int poll([In, Out] PollFd[] fds, nuint nfds, int timeoutMs);

    [DllImport(Lib, SetLastError = true)]
    public static extern int kill(int pid, int sig);

    [DllImport(Lib, SetLastError = true)]
    public static extern int waitpid(int pid, out int status, int options);

    [DllImport(Lib, SetLastError = true)]
    public static extern int waitid(int idtype, int id, IntPtr infop, int options);

    [DllImport(Lib)]
    public static extern int sigemptyset(IntPtr set);

    [DllImport(Lib)]
    public static extern int sigfillset(IntPtr set);

    // posix_spawn* return an errno value rather than setting errno.
    [DllImport(Lib)]
    public static extern int posix_spawnattr_init(IntPtr attr);

    [DllImport(Lib)]
    public static extern int posix_spawnattr_destroy(IntPtr attr);

    [DllImport(Lib)]
    public static extern int posix_spawnattr_setflags(IntPtr attr, short flags);

    [DllImport(Lib)]
    public static extern int posix_spawnattr_setsigdefault(IntPtr attr, IntPtr sigdefault);

    [DllImport(Lib)]
    public static extern int posix_spawnattr_setsigmask(IntPtr attr, IntPtr sigmask);

    [DllImport(Lib)]
    public static extern int posix_spawn_file_actions_init(IntPtr actions);

    [DllImport(Lib)]
    public static extern int posix_spawn_file_actions_destroy(IntPtr actions);

    [DllImport(Lib)]
    public static extern int posix_spawn_file_actions_addopen(IntPtr actions, int fd,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int oflag, uint mode);

    [DllImport(Lib)]
    public static extern int posix_spawn_file_actions_adddup2(IntPtr actions, int fd, int newfd);

    [DllImport(Lib)]
    public static extern int posix_spawn_file_actions_addchdir_np(IntPtr actions, [MarshalAs(UnmanagedType.LPUTF8Str)] string path);

    [DllImport(Lib)]
    public static extern int posix_spawnp(out int pid, [MarshalAs(UnmanagedType.LPUTF8Str)] string file,
        IntPtr fileActions, IntPtr attr, IntPtr[] argv, IntPtr[] envp);
}
