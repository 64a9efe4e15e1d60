using System.Buffers.Binary;
using ZeroLagHub.Agent.Files.Native;

namespace ZeroLagHub.Agent.Files;

/// <summary>Who new files and directories are given to (by fchown on the open fd, never by path).</summary>
public readonly record struct FileOwner(uint Uid, uint Gid)
{
    /// <summary>
    /// The dev user when the agent runs as root and that user exists; otherwise null, meaning "leave
    /// ownership as created". Without root, chown to another user is impossible anyway; without the
    /// user (tests, a game server with no dev user) there is nobody to give the file to.
    /// </summary>
    public static FileOwner? ForNewFiles(uint effectiveUid, string devUser, Func<string, FileOwner?> lookup) =>
        effectiveUid == 0 && devUser.Length > 0 ? lookup(devUser) : null;

    /// <summary>The running process's choice, looking the user up with getpwnam_r (NSS-aware, thread-safe).</summary>
    public static FileOwner? ForThisProcess(string devUser) => ForNewFiles(Libc.geteuid(), devUser, Lookup);

    public static FileOwner? Lookup(string user)
    {
        var pwd = new byte[128];          // struct passwd is 48 bytes on 64-bit glibc
        var strings = new byte[16 * 1024];
        if (Libc.getpwnam_r(user, pwd, strings, (nuint)strings.Length, out var result) != 0 || result == IntPtr.Zero) return null;
        // struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; ... }: ids follow two pointers.
        var at = 2 * IntPtr.Size;
        return new FileOwner(BinaryPrimitives.ReadUInt32LittleEndian(pwd.AsSpan(at)), BinaryPrimitives.ReadUInt32LittleEndian(pwd.AsSpan(at + 4)));
    }
}
