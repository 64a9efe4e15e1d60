using ZeroLagHub.Domain.Agent;

namespace ZeroLagHub.Agent.Status;

/// <summary>
/// Memory and CPU of the container: from its cgroup (v2 <c>memory.current</c> / <c>cpu.stat</c>, or v1
/// <c>memory.usage_in_bytes</c> / <c>cpuacct.usage</c>) where readable, else the agent's own process
/// tree. Never /proc/meminfo: on a shared host that is the whole machine, not the container.
/// </summary>
public static class ResourceMeter
{
    private const string CgroupRoot = "/sys/fs/cgroup";

    public static ResourceUsage Measure() => FromCgroupV2() ?? FromCgroupV1() ?? FromProcessTree();

    private static ResourceUsage? FromCgroupV2()
    {
        var path = OwnCgroup(line => line.StartsWith("0::", StringComparison.Ordinal));
        if (path is null) return null;
        var dir = CgroupRoot + path;
        var memory = ReadLong(Path.Combine(dir, "memory.current"));
        var usage = ReadStat(Path.Combine(dir, "cpu.stat"), "usage_usec");
        return memory is null || usage is null ? null : new ResourceUsage("cgroup", memory.Value, usage.Value / 1e6);
    }

    private static ResourceUsage? FromCgroupV1()
    {
        var memoryPath = OwnCgroup(line => line.Split(':') is [_, var controllers, _] && controllers.Split(',').Contains("memory"));
        var cpuPath = OwnCgroup(line => line.Split(':') is [_, var controllers, _] && controllers.Split(',').Contains("cpuacct"));
        if (memoryPath is null || cpuPath is null) return null;
        var memory = ReadLong($"{CgroupRoot}/memory{memoryPath}/memory.usage_in_bytes");
        var cpuNanos = ReadLong($"{CgroupRoot}/cpuacct{cpuPath}/cpuacct.usage");
        return memory is null || cpuNanos is null ? null : new ResourceUsage("cgroup", memory.Value, cpuNanos.Value / 1e9);
    }

    /// <summary>The agent and every descendant: resident memory and user+system CPU time.</summary>
    private static ResourceUsage FromProcessTree()
    {
        var parents = new Dictionary<int, int>();
        var stats = new Dictionary<int, (long Rss, double Cpu)>();
        var ticks = 100.0; // USER_HZ is 100 on every Linux ABI .NET runs on
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');   // after "(comm) "
                parents[pid] = int.Parse(fields[1]);
                var cpu = (long.Parse(fields[11]) + long.Parse(fields[12])) / ticks;
                var rssPages = long.Parse(fields[21]);
                stats[pid] = (rssPages * Environment.SystemPageSize, cpu);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended while we read it.
            }
        }

        var tree = new HashSet<int> { Environment.ProcessId };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (pid, parent) in parents)
                if (tree.Contains(parent) && tree.Add(pid)) grew = true;
        }
        var (rss, cpuSeconds) = tree.Where(stats.ContainsKey).Aggregate((0L, 0.0), (sum, pid) => (sum.Item1 + stats[pid].Rss, sum.Item2 + stats[pid].Cpu));
        return new ResourceUsage("process", rss, cpuSeconds);
    }

    private static string? OwnCgroup(Func<string, bool> match)
    {
        try
        {
            var line = File.ReadLines("/proc/self/cgroup").FirstOrDefault(match);
            return line?[(line.LastIndexOf(':') + 1)..];
        }
        catch (IOException) { return null; }
    }

    private static long? ReadLong(string path)
    {
        try { return long.TryParse(File.ReadAllText(path).Trim(), out var value) ? value : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static long? ReadStat(string path, string key)
    {
        try
        {
            var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key + " ", StringComparison.Ordinal));
            return line is not null && long.TryParse(line[(key.Length + 1)..], out var value) ? value : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
