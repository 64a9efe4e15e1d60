namespace ZeroLagHub.Agent.Server;

/// <summary>
/// What the container's cgroup (v2) says about memory: the <c>memory.events</c> <c>oom_kill</c> counter,
/// and whether usage is at the limit. The server runs in the same cgroup as the agent (the
/// container's), so a rise of the counter during a run is the kernel's OOM killer at work there.
/// Unreadable (no cgroup v2, or not delegated) reads as "no OOM, no pressure": the log tail still tells.
/// </summary>
public sealed class CgroupMemory(string directory)
{
    /// <summary>Usage at or above this share of <c>memory.max</c> is "memory pressure" for a bare SIGKILL.</summary>
    private const double PressureShare = 0.9;

    /// <summary>The agent's own cgroup v2 directory, or null.</summary>
    public static CgroupMemory? Own()
    {
        try
        {
            var line = File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal));
            return line is null ? null : new CgroupMemory("/sys/fs/cgroup" + line[3..]);
        }
        catch (IOException) { return null; }
    }

    public long OomKills()
    {
        try
        {
            var line = File.ReadLines(Path.Combine(directory, "memory.events")).FirstOrDefault(l => l.StartsWith("oom_kill ", StringComparison.Ordinal));
            return line is not null && long.TryParse(line["oom_kill ".Length..], out var kills) ? kills : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return 0; }
    }

    public bool UnderPressure()
    {
        var max = Read("memory.max");
        var current = Read("memory.current");
        return max is { } limit && current is { } used && used >= limit * PressureShare;
    }

    private long? Read(string file)
    {
        try { return long.TryParse(File.ReadAllText(Path.Combine(directory, file)).Trim(), out var value) ? value : null; }   // "max" = no limit
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
