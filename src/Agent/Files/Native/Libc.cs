using System.Runtime.InteropServices;

namespace ZeroLagHub.Agent.Files.Native;

/// <summary>
/// The few libc calls the file jail needs, all of the <c>*at</c> kind: each acts relative to a directory
/// fd, so once a directory is open no later step re-resolves a path from the root.
/// </summary>
// NOTE: DllImport rather than LibraryImport: the source generator needs AllowUnsafeBlocks, and every
// signature here is blittable apart from UTF-8 strings, which the classic marshaller handles.
internal static class Libc
{
    private const string Lib = "libc";

    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_REMOVEDIR = 0x200;
    public const int AT_EMPTY_PATH = 0x1000;
    public const uint RENAME_NOREPLACE = 1;

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;
    public const int O_PATH = 0x200000;

    // O_DIRECTORY and O_NOFOLLOW are the two open flags whose values differ between x86 and arm.
    private static readonly bool Arm = RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64;
    public static readonly int O_DIRECTORY = Arm ? 0x4000 : 0x10000;
    public static readonly int O_NOFOLLOW = Arm ? 0x8000 : 0x20000;

    public const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    public const ulong RESOLVE_NO_SYMLINKS = 0x04;
    public const ulong RESOLVE_BENEATH = 0x08;

    /// <summary>openat2 has the same number on every architecture (it is newer than the unified table).</summary>
    public const long SYS_openat2 = 437;

    /// <summary><c>struct open_how</c>: three u64s; its size is passed so the kernel can extend it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    // syscall(2) is variadic; on x86-64 and aarch64 Linux integer/pointer varargs travel in the same
    // registers as fixed arguments, so a fixed-arity declaration is ABI-correct there.
    [DllImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    public static extern long openat2(long number, int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref OpenHow how, nuint size);

    [DllImport(Lib, SetLastError = true)]
    public static extern int openat(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mode);

    [DllImport(Lib, SetLastError = true)]
    public static extern int close(int fd);

    [DllImport(Lib, SetLastError = true)]
    public static extern int fsync(int fd);

    public const int SEEK_SET = 0;

    [DllImport(Lib, SetLastError = true)]
    public static extern long lseek(int fd, long offset, int whence);

    [DllImport(Lib, SetLastError = true)]
    public static extern int fchmod(int fd, uint mode);

    [DllImport(Lib, SetLastError = true)]
    public static extern int fchown(int fd, uint uid, uint gid);

    [DllImport(Lib, SetLastError = true)]
    public static extern int mkdirat(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport(Lib, SetLastError = true)]
    public static extern int renameat2(int olddirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string oldpath,
        int newdirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string newpath, uint flags);

    [DllImport(Lib, SetLastError = true)]
    public static extern int unlinkat(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    /// <summary><c>struct statx</c> is 256 bytes with one layout on every architecture, unlike <c>struct stat</c>.</summary>
    [DllImport(Lib, SetLastError = true)]
    public static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask,
        [In, Out] byte[] buffer);

    [DllImport(Lib, SetLastError = true)]
    public static extern nint getdents64(int fd, [In, Out] byte[] buffer, nuint count);

    [DllImport(Lib, SetLastError = true)]
    public static extern uint geteuid();

    [DllImport(Lib)]
    public static extern int getpwnam_r([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [In, Out] byte[] pwd,
        [In, Out] byte[] buffer, nuint size, out IntPtr result);
}
