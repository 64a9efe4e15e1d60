using System.Diagnostics;
using System.Globalization;

namespace ZeroLagHub.Bench.Polling;

/// <summary>
/// CPU used over a stretch of wall time by this process, by the stub process, and by the whole machine
/// (<c>/proc/stat</c>: PostgreSQL and whatever else runs here). Shares are of all cores: 100 % is every core busy.
/// </summary>
internal sealed class CpuMeter(StubProcess stubs)
{
    private static readonly int Cores = Environment.ProcessorCount;

    public Reading Read()
    {
        using var self = Process.GetCurrentProcess();
        var (busy, total) = MachineTicks();
        return new Reading(Stopwatch.GetTimestamp(), self.TotalProcessorTime, stubs.CpuTime, busy, total);
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

    public sealed record Reading(long Timestamp, TimeSpan BenchCpu, TimeSpan StubsCpu, long MachineBusy, long MachineTotal)
    {
        public Usage Since(Reading start)
        {
            var wall = Stopwatch.GetElapsedTime(start.Timestamp, Timestamp);
            var machine = MachineTotal - start.MachineTotal;
            return new Usage(wall, BenchCpu - start.BenchCpu, StubsCpu - start.StubsCpu,
                machine == 0 ? double.NaN : (MachineBusy - start.MachineBusy) / (double)machine);
        }
    }

    /// <param name="MachineShare">Busy fraction of all cores over the stretch.</param>
    public sealed record Usage(TimeSpan Wall, TimeSpan BenchCpu, TimeSpan StubsCpu, double MachineShare)
    {
        public double BenchShare => BenchCpu / Wall / Cores;
        public double StubsShare => StubsCpu / Wall / Cores;
    }
}
