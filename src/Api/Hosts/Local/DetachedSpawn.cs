using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// Starts a long-lived process of a container (its init, its slirp4netns) detached from the API: in a session of its
/// own, with its output appended to a log, and with exactly the descriptors handed to it at fixed numbers. It is the
/// API's child, and a thread of its own reaps it when it exits (.NET reaps only what <c>Process.Start</c> started):
/// a crashed API's children go to the system's reaper and run on.
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
        var program = Resolve(command[0], environment);
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
            foreach (var (descriptor, target) in handedIn)
            {
                var added = false;
                descriptor.DangerousAddRef(ref added);
                addRefs.Add(descriptor);
                var high = High((int)descriptor.DangerousGetHandle());
                taken.Add(high);
                moves.Add((high, target));
            }

            Check(Native.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            Check(Native.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", Native.ORdOnly, 0), "addopen stdin");
            Check(Native.posix_spawn_file_actions_addopen(actions, 1, log, Native.OWrOnly | Native.OCreat | Native.OAppend, 0x1a4), "addopen log");
            Check(Native.posix_spawn_file_actions_adddup2(actions, 1, 2), "adddup2 stderr");
            Check(Native.posix_spawn_file_actions_addopen(actions, 3, fd3 ?? "/dev/null", Native.OWrOnly | Native.OCreat | Native.OTrunc, 0x1a4), "addopen fd 3");
            foreach (var (from, to) in moves) Check(Native.posix_spawn_file_actions_adddup2(actions, from, to), "adddup2");
            Check(Native.posix_spawnattr_init(attributes), "posix_spawnattr_init");
            // The API's threads may block signals; the container starts with none blocked.
            Check(Native.sigemptyset(mask), "sigemptyset");
            Check(Native.posix_spawnattr_setsigmask(attributes, mask), "setsigmask");
            // Its own session: neither the API's terminal nor the API's process group's signals reach the container.
            Check(Native.posix_spawnattr_setflags(attributes, Native.PosixSpawnSetSigMask | Native.PosixSpawnSetSid), "setflags");

            IntPtr[] Terminated(IEnumerable<string> items)
            {
                var pointers = items.Select(Marshal.StringToCoTaskMemUTF8).ToList();
                strings.AddRange(pointers);
                return [.. pointers, IntPtr.Zero];
            }
            var error = Native.posix_spawn(out var pid, program, actions, attributes, Terminated(command),
                Terminated(environment.Select(e => $"{e.Key}={e.Value}")));
            if (error != 0) throw new InvalidOperationException($"could not start {command[0]}: errno {error}");
            Reap(pid);
            return pid;
        }
        finally
        {
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

    /// <summary>
    /// Waits for the child on a thread of its own (a blocking <c>waitpid</c> for this pid only: the runtime's own children
    /// are the runtime's to reap), so that an exited init leaves no zombie behind while the API runs.
    /// </summary>
    private static void Reap(int pid) =>
        new Thread(() =>
        {
            while (Native.waitpid(pid, out _, 0) < 0 && Marshal.GetLastPInvokeError() == Native.EIntr) { }
        }, maxStackSize: 64 * 1024) { IsBackground = true, Name = $"reaper of {pid}" }.Start();

    /// <summary><paramref name="program"/>, found on the PATH the child gets when it names no directory.</summary>
    private static string Resolve(string program, IReadOnlyDictionary<string, string> environment)
    {
        if (program.Contains('/')) return program;
        var path = environment.TryGetValue("PATH", out var p) ? p : "/usr/bin:/bin";
        return path.Split(':').Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"could not start {program}: not found on {path}");
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
        internal const int ORdOnly = 0, OWrOnly = 1, OCreat = 0x40, OTrunc = 0x200, OAppend = 0x400;
        internal const short PosixSpawnSetSigMask = 0x08, PosixSpawnSetSid = 0x80;

        [DllImport("libc", SetLastError = true)]
        internal static extern int posix_spawn(out int pid, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr fileActions, IntPtr attributes,
            IntPtr[] argv, IntPtr[] envp);

        [DllImport("libc")] internal static extern int posix_spawn_file_actions_init(IntPtr actions);
        [DllImport("libc")] internal static extern int posix_spawn_file_actions_addopen(IntPtr actions, int fd,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);
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
