using System.Runtime.InteropServices;
using ZeroLagHub.Agent.Files.Native;

namespace ZeroLagHub.Agent.Files;

/// <summary>
/// <c>openat2(root, path, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)</c> (Linux ≥ 5.6):
/// the kernel walks the path and fails the whole open (ELOOP, EXDEV) if any component is a link or the
/// walk would leave <c>root</c>. The check and the open are one system call, so there is nothing to race.
/// </summary>
internal sealed class Openat2Opener : IBeneathOpener
{
    private const ulong Resolve = Libc.RESOLVE_BENEATH | Libc.RESOLVE_NO_SYMLINKS | Libc.RESOLVE_NO_MAGICLINKS;

    public FileOutcome<Fd> Open(Fd root, string relative, int flags, uint mode = 0)
    {
        var how = new Libc.OpenHow { Flags = (ulong)(flags | Libc.O_CLOEXEC), Mode = mode, Resolve = Resolve };
        long fd;
        do fd = Libc.openat2(Libc.SYS_openat2, root.Value, relative, ref how, (nuint)Marshal.SizeOf<Libc.OpenHow>());
        while (fd < 0 && Errno.Last is Errno.EINTR or Errno.EAGAIN);   // EAGAIN: a concurrent rename; retrying is what the man page asks
        return fd < 0 ? ErrnoErrors.Fail<Fd>(Errno.Last) : new Fd((int)fd);
    }

    /// <summary>
    /// Whether openat2 works here. ENOSYS: a kernel older than 5.6. EPERM: a container seccomp profile
    /// written before openat2 existed (older Docker and LXC defaults answer unknown syscalls that way).
    /// </summary>
    public static bool IsAvailable()
    {
        var how = new Libc.OpenHow { Flags = (ulong)(Libc.O_PATH | Libc.O_CLOEXEC) };
        var fd = Libc.openat2(Libc.SYS_openat2, Libc.AT_FDCWD, "/", ref how, (nuint)Marshal.SizeOf<Libc.OpenHow>());
        if (fd < 0) return Errno.Last is not (Errno.ENOSYS or Errno.EPERM);
        Libc.close((int)fd);
        return true;
    }
}
