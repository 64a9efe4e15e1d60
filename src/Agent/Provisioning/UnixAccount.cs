using System.Runtime.InteropServices;

namespace ZeroLagHub.Agent.Provisioning;

/// <summary>A local user, as <c>/etc/passwd</c> lists it. Used to hand the dev user its home and to run code-server as it.</summary>
public sealed record UnixAccount(string Name, uint Uid, uint Gid, string Home)
{
    /// <summary>
    /// Only root can give files away or run a process as someone else; unprivileged (tests, the local
    /// host) everything simply belongs to and runs as the agent's own user.
    /// </summary>
    public static bool AgentIsRoot => Environment.IsPrivilegedProcess;

    /// <summary>The account named <paramref name="name"/>, or null. NOTE: reads /etc/passwd directly (no NSS):
    /// containers keep local users there, and getpwnam would need a P/Invoke buffer dance for the same answer.</summary>
    public static UnixAccount? Find(string name, string passwd = "/etc/passwd")
    {
        if (!File.Exists(passwd)) return null;
        foreach (var line in File.ReadLines(passwd))
        {
            var f = line.Split(':');
            if (f.Length >= 7 && f[0] == name && uint.TryParse(f[2], out var uid) && uint.TryParse(f[3], out var gid))
                return new UnixAccount(f[0], uid, gid, f[5]);
        }
        return null;
    }

    /// <summary>Gives <paramref name="path"/> (not what a symlink there points to) to this account.</summary>
    public void Own(string path)
    {
        if (lchown(path, Uid, Gid) != 0)
            throw new IOException($"chown {Name} {path} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int lchown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint owner, uint group);
}
