namespace ZeroLagHub.Api.Hosts.Local;

/// <summary>
/// A process of this machine as <c>/proc</c> shows it. A pid alone outlives its process and is reused;
/// a pid with its start time (clock ticks since boot) names one process for good.
/// </summary>
public sealed record HostProcess(int Pid, long StartTime, int ParentPid, int SessionId, int Uid, string Name)
{
    /// <summary>The process <paramref name="pid"/> now, or null when there is none (or it is a zombie).</summary>
    public static HostProcess? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // comm may hold spaces and parentheses: the fields after it start after the LAST ')'.
            var open = stat.IndexOf('(');
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            if (fields[0] == "Z") return null;
            var uid = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[1];
            return new HostProcess(pid, long.Parse(fields[19]), int.Parse(fields[1]), int.Parse(fields[3]), int.Parse(uid), stat[(open + 1)..close]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            return null;   // gone while we read it
        }
    }

    /// <summary>Every process of this machine.</summary>
    public static IEnumerable<HostProcess> All() =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? Read(pid) : null)
            .OfType<HostProcess>();

    /// <summary>The inode of the PID namespace <paramref name="pid"/> lives in, or null when it is gone.</summary>
    public static long? PidNamespaceOf(int pid)
    {
        try
        {
            var link = new FileInfo($"/proc/{pid}/ns/pid").LinkTarget;   // "pid:[4026532175]"
            return link is null ? null : long.Parse(link[5..^1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return null; }
    }

    /// <summary>This pid in the innermost PID namespace it belongs to (<c>NSpid</c>'s last field).</summary>
    public static int? InnermostPid(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
            return line is null ? null : int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[^1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return null; }
    }

    /// <summary>
    /// Whether this process has a handler installed for every one of <paramref name="signals"/> (<c>SigCgt</c>): a shell's
    /// <c>trap</c>s, as the kernel sees them. Before that a signal takes its default action, which for most is death.
    /// </summary>
    public bool Catches(params int[] signals)
    {
        try
        {
            var line = File.ReadLines($"/proc/{Pid}/status").FirstOrDefault(l => l.StartsWith("SigCgt:", StringComparison.Ordinal));
            if (line is null || !IsStill()) return false;
            var caught = ulong.Parse(line.AsSpan(7).Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            return signals.All(s => (caught & (1UL << (s - 1))) != 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return false; }
    }

    public bool IsStill() => Read(Pid) is { } now && now.StartTime == StartTime;

    /// <summary>Sends <paramref name="signal"/> to this process and no other: through a pidfd taken while its start time still matches.</summary>
    public void Signal(int signal)
    {
        var fd = Native.syscall(Native.PidfdOpen, Pid, 0);
        if (fd < 0) return;
        try { if (IsStill()) _ = Native.syscall(Native.PidfdSendSignal, fd, signal, IntPtr.Zero, 0); }
        finally { _ = Native.close(fd); }
    }

    public override string ToString() => $"{Name} (pid {Pid})";

    public const int SigHup = 1, SigKill = 9, SigUsr1 = 10, SigTerm = 15;

    private static class Native
    {
        // The same numbers on every architecture (syscalls added after 4.20 are numbered alike).
        internal const long PidfdSendSignal = 424, PidfdOpen = 434;

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        internal static extern int syscall(long number, int pid, int flags);

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        internal static extern int syscall(long number, int fd, int signal, IntPtr info, int flags);

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        internal static extern int close(int fd);
    }
}
