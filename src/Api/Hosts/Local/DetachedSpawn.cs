using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// Starts a long-lived process of a container (its init, its slirp4netns) detached from the API: in a session of its
/// own, not the API's child (a shell in between starts it in the background and exits), with its output appended to a
/// log, and with exactly the descriptors handed to it at fixed numbers.
/// </summary>
/// <remarks>
/// <c>posix_spawn</c> rather than <c>Process.Start</c>: a descriptor reaches the child only through the spawn's own
/// <c>dup2</c>, while every descriptor of the API stays close-on-exec. Clearing close-on-exec for a
/// <c>Process.Start</c> would leak the agent's listening socket into whatever else the API starts at that moment.
/// </remarks>
public static class DetachedSpawn
{
    /// <summary>
    /// Runs <paramref name="command"/> with <paramref name="environment"/> only, stdin from <c>/dev/null</c>, stdout and
    /// stderr appended to <paramref name="log"/>, fd 3 writing to <paramref name="fd3"/> (a file; <c>/dev/null</c> when
    /// null) and each of <paramref name="handedIn"/>'s descriptors at its number (4 and up); returns its pid.
    /// </summary>
    public static int Start(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, string log, string? fd3,
        IReadOnlyList<(SafeHandle Descriptor, int As)> handedIn)
    {
        if (handedIn.Any(h => h.As < 4)) throw new ArgumentException("0 to 3 are the standard streams and fd 3", nameof(handedIn));
        // setsid execs in place (a background job leads no process group), so $! is the command's pid.
        const string Script = "log=$1 fd3=$2; shift 2; setsid \"$@\" 3>\"$fd3\" >>\"$log\" 2>&1 </dev/null & echo $!";
        var argv = new List<string> { "/bin/sh", "-c", Script, "zlh-spawn", log, fd3 ?? "/dev/null" };
        argv.AddRange(command);
        var pipe = new int[2];
        if (Native.pipe2(pipe, Native.OCloExec) != 0) throw new IOException($"pipe2 failed: errno {Marshal.GetLastPInvokeError()}");
        using var read = new SafeFileHandle(pipe[0], ownsHandle: true);
        var strings = new List<IntPtr>();
        var taken = new List<int>();
        var actions = Marshal.AllocHGlobal(256);
        var attributes = Marshal.AllocHGlobal(1024);
        var mask = Marshal.AllocHGlobal(256);
        var addRefs = new List<SafeHandle>();
        try
        {
            // Each source first moved above every target, so that one dup2 cannot overwrite another's source.
            var moves = new List<(int From, int To)>();
            int Move(int fd) { var high = High(fd); taken.Add(high); return high; }
            moves.Add((Move(pipe[1]), 1));
            _ = Native.close(pipe[1]);
            pipe[1] = -1;
            foreach (var (descriptor, target) in handedIn)
            {
                var added = false;
                descriptor.DangerousAddRef(ref added);
                addRefs.Add(descriptor);
                moves.Add((Move((int)descriptor.DangerousGetHandle()), target));
            }

            Check(Native.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            foreach (var (from, to) in moves) Check(Native.posix_spawn_file_actions_adddup2(actions, from, to), "adddup2");
            Check(Native.posix_spawnattr_init(attributes), "posix_spawnattr_init");
            // The API's threads may block signals; the container starts with none blocked.
            Check(Native.sigemptyset(mask), "sigemptyset");
            Check(Native.posix_spawnattr_setsigmask(attributes, mask), "setsigmask");
            Check(Native.posix_spawnattr_setflags(attributes, Native.PosixSpawnSetSigMask), "setflags");

            IntPtr[] Terminated(IEnumerable<string> items)
            {
                var pointers = items.Select(Marshal.StringToCoTaskMemUTF8).ToList();
                strings.AddRange(pointers);
                return [.. pointers, IntPtr.Zero];
            }
            var error = Native.posix_spawn(out var shell, "/bin/sh", actions, attributes, Terminated(argv),
                Terminated(environment.Select(e => $"{e.Key}={e.Value}")));
            Check(error == 0 ? 0 : -1, "posix_spawn", error);
            foreach (var fd in taken) _ = Native.close(fd);
            taken.Clear();

            using var output = new StreamReader(new FileStream(read, FileAccess.Read, 1));
            var text = output.ReadToEnd().Trim();
            while (Native.waitpid(shell, out _, 0) < 0 && Marshal.GetLastPInvokeError() == Native.EIntr) { }
            return int.TryParse(text, out var pid) ? pid : throw new InvalidOperationException($"could not start {command[0]} (see {log})");
        }
        finally
        {
            if (pipe[1] >= 0) _ = Native.close(pipe[1]);
            foreach (var fd in taken) _ = Native.close(fd);
            foreach (var handle in addRefs) handle.DangerousRelease();
            _ = Native.posix_spawn_file_actions_destroy(actions);
            _ = Native.posix_spawnattr_destroy(attributes);
            Marshal.FreeHGlobal(actions);
            Marshal.FreeHGlobal(attributes);
            Marshal.FreeHGlobal(mask);
            foreach (var s in strings) Marshal.FreeCoTaskMem(s);
        }
    }

    /// <summary>A pipe whose read end stays here and whose write end is handed to a process: its end (EOF) tells the reader the writer's holders are gone.</summary>
    public static (SafeFileHandle Read, SafeFileHandle Write) Pipe()
    {
        var fds = new int[2];
        if (Native.pipe2(fds, Native.OCloExec) != 0) throw new IOException($"pipe2 failed: errno {Marshal.GetLastPInvokeError()}");
        return (new SafeFileHandle(fds[0], ownsHandle: true), new SafeFileHandle(fds[1], ownsHandle: true));
    }

    private static int High(int fd)
    {
        var high = Native.fcntl(fd, Native.FDupFdCloExec, 100);
        return high >= 0 ? high : throw new IOException($"fcntl(F_DUPFD_CLOEXEC) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    private static void Check(int result, string call, int? error = null)
    {
        if (result != 0) throw new IOException($"{call} failed: errno {error ?? Marshal.GetLastPInvokeError()}");
    }

    private static class Native
    {
        internal const int OCloExec = 0x80000, FDupFdCloExec = 1030, EIntr = 4;
        internal const short PosixSpawnSetSigMask = 0x08;

        [DllImport("libc", SetLastError = true)]
        internal static extern int posix_spawn(out int pid, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr fileActions, IntPtr attributes,
            IntPtr[] argv, IntPtr[] envp);

        [DllImport("libc")] internal static extern int posix_spawn_file_actions_init(IntPtr actions);
        [DllImport("libc")] internal static extern int posix_spawn_file_actions_adddup2(IntPtr actions, int fd, int newFd);
        [DllImport("libc")] internal static extern int posix_spawn_file_actions_destroy(IntPtr actions);
        [DllImport("libc")] internal static extern int posix_spawnattr_init(IntPtr attributes);
        [DllImport("libc")] internal static extern int posix_spawnattr_setflags(IntPtr attributes, short flags);
        [DllImport("libc")] internal static extern int posix_spawnattr_setsigmask(IntPtr attributes, IntPtr mask);
        [DllImport("libc")] internal static extern int posix_spawnattr_destroy(IntPtr attributes);
        [DllImport("libc", SetLastError = true)] internal static extern int sigemptyset(IntPtr set);
        [DllImport("libc", SetLastError = true)] internal static extern int pipe2(int[] fds, int flags);
        [DllImport("libc", SetLastError = true)] internal static extern int fcntl(int fd, int command, int argument);
        [DllImport("libc", SetLastError = true)] internal static extern int close(int fd);
        [DllImport("libc", SetLastError = true)] internal static extern int waitpid(int pid, out int status, int options);
    }
}
