using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ZeroLagHub.Api.Hosts;
using ZeroLagHub.Api.Storage;
using ZeroLagHub.Domain;
using ZeroLagHub.Api.ReadModels;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Projections.Containers;

namespace ZeroLagHub.Bench.Polling;

/// <summary>
/// <c>poller</c>: the API's real <c>AgentPoller</c> on real PostgreSQL polling N stub agents (a child
/// process) at the configured period, against the floor of the same HTTP reads by a bare HttpClient
/// loop at the same concurrency with no database (<see cref="BareSweep"/>).
/// </summary>
/// <remarks>
/// Steps: (1) a fresh database, migrated, with the inline container directory; (2) the stub process;
/// (3) N game servers seeded as events; (4) warm-up cycles, shown but not counted: the first contact
/// creates every journal cursor; (5) per cycle: the stubs add one journal
/// entry to a share of the agents, then a poller slot and a baseline slot of one period each, in ABBA
/// order so drift on this shared machine does not always land on the same side. A slot lasts a
/// period, or its work when that is longer (a slip); its CPU is measured over the whole slot, so a
/// share is CPU per period.
/// </remarks>
internal static class PollerBenchmark
{
    public const string Usage =
        "  poller [--agents N (2000)] [--period S (5)] [--cycles N (6)] [--ports N (16)] [--journal-percent N (5)] [--warmup N (2)]\n" +
        "         [--concurrency N (Poller default)]\n" +
        "                                    the real AgentPoller on PostgreSQL vs the same HTTP reads by a bare loop; stubs in a child process";

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var options = Options.Parse(args, "--agents", "--period", "--cycles", "--ports", "--journal-percent", "--warmup", "--concurrency");
        var agents = (int)options.Count("--agents", 2000, 1);
        var period = options.Seconds("--period", 5, 0.1);
        var cycles = (int)options.Count("--cycles", 6, 1);
        var ports = (int)options.Count("--ports", 16, 1);
        var journalShare = options.Count("--journal-percent", 5, 0) / 100.0;
        var warmups = (int)options.Count("--warmup", 2, 1);
        int? concurrency = options.Count("--concurrency", 0, 0) is var c and > 0 ? (int)c : null;

        // :: Step 1 — Npgsql's default pool size, as the API runs with.
        await using var db = await BenchDatabase.CreateAsync(maxPoolSize: 100, ct);
        var directory = new ContainerDirectoryProjection();
        using var marten = MartenRegistration.CreateStore(db.DataSource, [directory]);
        await new SchemaMigration(db.DataSource, marten, NullLogger<SchemaMigration>.Instance).StartAsync(ct);
        await ReadModelTables.EnsureAsync(db.DataSource, directory, ct);
        var store = new MartenEventStore(marten, db.DataSource, MartenRegistration.Folds);

        // :: Step 2
        await using var stubs = await StubProcess.StartAsync(ports, ct);
        var ids = Enumerable.Range(0, agents).Select(_ => Guid.NewGuid()).ToList();
        var endpoints = ids.Select((id, i) => (id, new AgentEndpoint(StubIdentity.BaseAddress(stubs.Servers[i % stubs.Servers.Count], id), StubIdentity.Token)))
            .ToDictionary();

        // :: Step 3
        var seeding = Stopwatch.StartNew();
        await BenchContainers.SeedAsync(store, ids, ct);
        seeding.Stop();

        await using var node = PollerNode.Create(db.DataSource, store, new StubContainerHost(endpoints), period, concurrency);
        var poller = node.Poller;
        var settings = node.Options;
        using var sweep = new BareSweep(endpoints, settings.MaxConcurrency, settings.AgentTimeout, settings.JournalPageSize);
        var meter = new CpuMeter(() => stubs.CpuTime);

        Console.WriteLine($"poller benchmark: {agents} stub agents on {stubs.Servers.Count} loopback ports (child process), period {period.TotalSeconds:0.##} s, " +
                          $"{cycles} cycles after {warmups} warm-ups; Poller:MaxConcurrency {settings.MaxConcurrency}, AgentTimeout {settings.AgentTimeout.TotalSeconds:0.##} s; " +
                          $"{journalShare:P0} of the journals get an entry per cycle");
        Console.WriteLine($"server: {await db.ShowAsync("server_version", ct)}, fsync={await db.ShowAsync("fsync", ct)}, " +
                          $"synchronous_commit={await db.ShowAsync("synchronous_commit", ct)} ({db.ServerOrigin}), database {db.Name}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {CpuMeter.LoadAverage()} at start; " +
                          $"seeded {agents} containers as events in {seeding.Elapsed.TotalSeconds:0.0} s");

        // :: Steps 4 and 5 — warm-ups are cycles 1 - warmups .. 0, paced like the others: tiered JIT recompiles in the background
        // for a while after the last new code ran, and would otherwise land in the first counted cycle.
        var slots = new List<Slot>();
        for (var cycle = 1 - warmups; cycle <= cycles; cycle++)
        {
            // Grows nothing before the first contact: the stubs learn their journals from it.
            var grown = await stubs.GrowAsync(journalShare, ct);
            Func<Task<Slot>> pollerSlot = () => RunSlotAsync(meter, period, cycle, "poller", grown, async () =>
            {
                var result = await poller.PollOnceAsync(ct);
                return (result.Polled, result.Unreachable, result.EventsWritten);
            }, ct);
            Func<Task<Slot>> baselineSlot = () => RunSlotAsync(meter, period, cycle, "bare loop", grown, async () =>
            {
                var result = await sweep.RunAsync(ct);
                return (result.Polled, result.Unreachable, result.Entries);
            }, ct);
            foreach (var run in cycle % 2 != 0 ? [pollerSlot, baselineSlot] : new[] { baselineSlot, pollerSlot })
            {
                var slot = await run();
                slots.Add(slot);
                Console.Error.WriteLine($"cycle {cycle} {slot.Side}: {slot.Duration.TotalMilliseconds:0} ms");
            }
        }

        PollerReport.Print(slots, period, agents);
        Console.WriteLine($"load average at end: {CpuMeter.LoadAverage()}");
        return 0;
    }

    private static async Task<Slot> RunSlotAsync(CpuMeter meter, TimeSpan period, int cycle, string side, int newEntries,
        Func<Task<(int Polled, int Unreachable, int Written)>> work, CancellationToken ct)
    {
        var start = meter.Read();
        var clock = Stopwatch.StartNew();
        var (polled, unreachable, written) = await work();
        var duration = clock.Elapsed;
        if (duration < period) await Task.Delay(period - duration, ct);
        return new Slot(cycle, side, duration, polled, unreachable, newEntries, written, meter.Read().Since(start));
    }
}

/// <summary>One period of one side; cycles up to 0 are warm-ups.</summary>
/// <param name="NewEntries">Journal entries the stubs added before this cycle: what each side should find.</param>
/// <param name="Written">Poller: events written; bare loop: new journal entries read.</param>
internal sealed record Slot(int Cycle, string Side, TimeSpan Duration, int Polled, int Unreachable, int NewEntries, int Written, CpuMeter.Usage Usage)
{
    public bool Counted => Cycle > 0;
}
