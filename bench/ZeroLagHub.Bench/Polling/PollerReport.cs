using System.Globalization;

namespace ZeroLagHub.Bench.Polling;

/// <summary>The per-cycle table and the summary: each side's duration and CPU, the ratios, and the slip verdict.</summary>
internal static class PollerReport
{
    public static void Print(IReadOnlyList<Slot> slots, TimeSpan period, int agents)
    {
        const string header =
            "cycle side       duration ms  slipped  polled  unreachable  new entries  written | bench CPU %  stubs CPU %  machine busy %";
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        foreach (var s in slots)
        {
            Console.WriteLine(
                Invariant($"{s.Cycle,5} {s.Side,-10} {s.Duration.TotalMilliseconds,11:0} {(s.Duration > period ? "YES" : "no"),8} {s.Polled,7} {s.Unreachable,12} ") +
                Invariant($"{s.NewEntries,12} {s.Written,8} | {s.Usage.BenchShare * 100,11:0.0} {s.Usage.ChildShare * 100,12:0.0} {s.Usage.MachineShare * 100,15:0.0}"));
        }
        Console.WriteLine();
        Console.WriteLine("cycles up to 0 are warm-ups (the first creates every journal cursor), not counted below;");
        Console.WriteLine("written = events the poller appended / new entries the bare loop read; CPU % = share of all cores over the slot (one period);");
        Console.WriteLine("bench = this process (the poller or the bare loop), stubs = the child process, machine = /proc/stat (PostgreSQL and everything else too).");
        Console.WriteLine();

        var poller = Summary.Of(slots.Where(s => s.Counted && s.Side == "poller").ToList(), period);
        var bare = Summary.Of(slots.Where(s => s.Counted && s.Side != "poller").ToList(), period);
        Console.WriteLine("side        duration ms mean    max  slipped | bench CPU % mean  CPU ms/cycle | stubs CPU % | machine %");
        Console.WriteLine(bare.Line("bare loop"));
        Console.WriteLine(poller.Line("poller"));
        Console.WriteLine();
        Console.WriteLine(Invariant(
            $"ratio poller / bare loop: duration {poller.MeanMs / bare.MeanMs:0.00}x, CPU per cycle {poller.CpuMsPerCycle / bare.CpuMsPerCycle:0.00}x"));
        var verdict = poller.Slipped == 0 ? "PASS" : "FAIL";
        Console.WriteLine(
            Invariant($"target: {agents} agents at a {period.TotalSeconds:0.##} s period with no slipped cycle: {verdict} ") +
            Invariant($"({poller.Slipped} of {poller.Cycles} slipped, longest {poller.MaxMs:0} ms); ") +
            Invariant($"poller process CPU share {poller.BenchShare * 100:0.0} % of {Environment.ProcessorCount} cores"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Summary(int Cycles, double MeanMs, double MaxMs, int Slipped, double BenchShare, double CpuMsPerCycle, double StubsShare,
        double MachineShare)
    {
        public static Summary Of(IReadOnlyList<Slot> slots, TimeSpan period)
        {
            var wall = slots.Sum(s => s.Usage.Wall.TotalSeconds);
            var bench = slots.Sum(s => s.Usage.BenchCpu.TotalSeconds);
            var stubs = slots.Sum(s => s.Usage.ChildCpu.TotalSeconds);
            return new Summary(slots.Count, slots.Average(s => s.Duration.TotalMilliseconds), slots.Max(s => s.Duration.TotalMilliseconds),
                slots.Count(s => s.Duration > period), bench / wall / Environment.ProcessorCount, bench * 1000 / slots.Count,
                stubs / wall / Environment.ProcessorCount, slots.Average(s => s.Usage.MachineShare));
        }

        public string Line(string side) => Invariant(
            $"{side,-10} {MeanMs,17:0} {MaxMs,6:0} {Slipped,8} | {BenchShare * 100,16:0.0} {CpuMsPerCycle,13:0} | {StubsShare * 100,11:0.0} | {MachineShare * 100,9:0.0}");
    }
}
