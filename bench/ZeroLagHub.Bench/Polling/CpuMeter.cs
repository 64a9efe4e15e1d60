using System.Diagnostics;
using System.Globalization;

namespace ZeroLagHub.Bench.Polling;

/// <summary>
/// CPU used over a stretch of wall time by this process, by a child process (the poller's stubs, the status
/// benchmark's API), and by the whole machine (<c>/proc/stat</c>: PostgreSQL and whatever else runs here).
/// Shares are of all cores: 100 % is every core busy.
/// </summary>
/// <param name="childCpu">The child's CPU time so far, all threads.</param>
internal sealed class CpuMeter(Func<TimeSpan> childCpu)
{
    private static readonly int Cores = Environment.ProcessorCount;

    public Reading Read()
    {
        using var self = Process.GetCurrentProcess();
        var (busy, total) = MachineTicks();
        return new Reading(Stopwatch.GetTimestamp(), self.TotalProcessorTime, childCpu(), busy, total);
    }

    /// <summary>The load average line, for the report header: the machine is shared.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Busy and total jiffies of all cores since boot; busy excludes idle and iowait.</summary>
    private static (long Busy, long Total) MachineTicks()
    {
        if (!File.Exists("/proc/stat")) return (0, 0);
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        return (total - fields[3] - fields[4], total);
    }

    public sealed record Reading(long Timestamp, TimeSpan BenchCpu, TimeSpan ChildCpu, long MachineBusy, long MachineTotal)
    {
        public Usage Since(Reading start)
        {
            var wall = Stopwatch.GetElapsedTime(start.Timestamp, Timestamp);
            var machine = MachineTotal - start.MachineTotal;
            return new Usage(wall, BenchCpu - start.BenchCpu, ChildCpu - start.ChildCpu,
                machine == 0 ? double.NaN : (MachineBusy - start.MachineBusy) / (double)machine);
        }
    }

    /// <param name="MachineShare">Busy fraction of all cores over the stretch.</param>
    public sealed record Usage(TimeSpan Wall, TimeSpan BenchCpu, TimeSpan ChildCpu, double MachineShare)
    {
        public double BenchShare => BenchCpu / Wall / Cores;
        public double ChildShare => ChildCpu / Wall / Cores;
    }
}
