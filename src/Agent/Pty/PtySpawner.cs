using System.Runtime.InteropServices;
using ZeroLagHub.Agent.Provisioning;
using static ZeroLagHub.Agent.Pty.Native.PtyLibc;

namespace ZeroLagHub.Agent.Pty;

/// <summary>
/// Opens a PTY master and starts the child on its slave, without ever forking the runtime.
/// </summary>
/// <remarks>
/// 1. <c>/dev/ptmx</c> is opened <c>O_CLOEXEC</c> (no other child inherits the master) and <c>O_NONBLOCK</c>
///    (the reader polls, so disposal never waits on a read that cannot be interrupted).
/// 2. The child opens the slave BY PATH as fd 0 in a posix_spawn file action and dups it to 1 and 2; with
///    <c>POSIX_SPAWN_SETSID</c> it is a new session's leader, so that open makes the slave its controlling
///    terminal. The agent never holds a slave descriptor, so the child's exit is seen as EIO on the master
///    and nothing keeps the terminal alive in some other process.
/// 3. Signal dispositions and the mask are reset: the runtime ignores SIGPIPE, which a child would
///    otherwise inherit (and <c>yes | head</c> would never end).
/// </remarks>
internal static class PtySpawner
{
    /// <summary>The master fd (caller owns it), the child's pid and the slave's path.</summary>
    public static (int Master, int Pid, string SlavePath) Spawn(PtyStartInfo info)
    {
        var master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
        if (master < 0) throw Failure("open /dev/ptmx", Marshal.GetLastPInvokeError());
        try
        {
            if (grantpt(master) != 0) throw Failure("grantpt", Marshal.GetLastPInvokeError());
            if (unlockpt(master) != 0) throw Failure("unlockpt", Marshal.GetLastPInvokeError());
            var name = new byte[128];
            var error = ptsname_r(master, name, (nuint)name.Length);
            if (error != 0) throw Failure("ptsname", error);
            var slavePath = System.Text.Encoding.UTF8.GetString(name, 0, Array.IndexOf(name, (byte)0));
            SetSize(master, info.Rows, info.Cols);
            var pid = SpawnOn(slavePath, info);
            return (master, pid, slavePath);
        }
        catch
        {
            close(master);
            throw;
        }
    }

    public static void SetSize(int master, int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, 1);
        var size = new WinSize { Rows = (ushort)Math.Min(rows, ushort.MaxValue), Cols = (ushort)Math.Min(cols, ushort.MaxValue) };
        if (ioctl(master, TIOCSWINSZ, ref size) != 0) throw Failure("ioctl TIOCSWINSZ", Marshal.GetLastPInvokeError());
    }

    private static int SpawnOn(string slavePath, PtyStartInfo info)
    {
        var argv = Arguments(info);
        var env = EnvironmentOf(info);
        var native = new List<IntPtr>();
        var attr = Marshal.AllocHGlobal(OpaqueSize);
        var actions = Marshal.AllocHGlobal(OpaqueSize);
        var allSignals = Marshal.AllocHGlobal(OpaqueSize);
        var noSignals = Marshal.AllocHGlobal(OpaqueSize);
        try
        {
            Check(posix_spawnattr_init(attr), "posix_spawnattr_init");
            Check(posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            sigfillset(allSignals);
            sigemptyset(noSignals);
            Check(posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK), "posix_spawnattr_setflags");
            Check(posix_spawnattr_setsigdefault(attr, allSignals), "posix_spawnattr_setsigdefault");
            Check(posix_spawnattr_setsigmask(attr, noSignals), "posix_spawnattr_setsigmask");
            Check(posix_spawn_file_actions_addopen(actions, 0, slavePath, O_RDWR, 0), "posix_spawn_file_actions_addopen");
            Check(posix_spawn_file_actions_adddup2(actions, 0, 1), "posix_spawn_file_actions_adddup2");
            Check(posix_spawn_file_actions_adddup2(actions, 0, 2), "posix_spawn_file_actions_adddup2");
            Check(posix_spawn_file_actions_addchdir_np(actions, info.WorkingDirectory), "posix_spawn_file_actions_addchdir_np");

            var argvPtrs = ToNative(argv, native);
            var envPtrs = ToNative(env, native);
            var error = posix_spawnp(out var pid, argv[0], actions, attr, argvPtrs, envPtrs);
            if (error != 0) throw Failure($"start {argv[0]} in {info.WorkingDirectory}", error);
            return pid;
        }
        finally
        {
            posix_spawn_file_actions_destroy(actions);
            posix_spawnattr_destroy(attr);
            foreach (var p in native) Marshal.FreeCoTaskMem(p);
            Marshal.FreeHGlobal(attr);
            Marshal.FreeHGlobal(actions);
            Marshal.FreeHGlobal(allSignals);
            Marshal.FreeHGlobal(noSignals);
        }
    }

    private static List<string> Arguments(PtyStartInfo info)
    {
        var argv = new List<string>();
        if (info.RunAs is { } user)
            argv.AddRange(["setpriv", "--reuid", user.Uid.ToString(), "--regid", user.Gid.ToString(), "--init-groups", "--"]);
        argv.Add(info.Program);
        argv.AddRange(info.Args);
        return argv;
    }

    private static List<string> EnvironmentOf(PtyStartInfo info)
    {
        var env = new Dictionary<string, string>(info.Environment, StringComparer.Ordinal);
        var name = info.RunAs?.Name ?? Environment.UserName;
        env.TryAdd("TERM", "xterm-256color");
        env.TryAdd("HOME", info.RunAs?.Home ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        env.TryAdd("USER", name);
        env.TryAdd("LOGNAME", name);
        return env.Select(kv => $"{kv.Key}={kv.Value}").ToList();
    }

    private static IntPtr[] ToNative(List<string> strings, List<IntPtr> owned)
    {
        var result = new IntPtr[strings.Count + 1];   // NULL-terminated
        for (var i = 0; i < strings.Count; i++)
        {
            result[i] = Marshal.StringToCoTaskMemUTF8(strings[i]);
            owned.Add(result[i]);
        }
        return result;
    }

    private static void Check(int error, string call)
    {
        if (error != 0) throw Failure(call, error);
    }

    private static IOException Failure(string what, int errno) =>
        new($"pty: {what} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
}
