using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using JasperFx.Events;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Weasel.Core;
using Microsoft.Extensions.Logging.Abstractions;
using ZeroLagHub.Api.Audit.Chain;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Domain;

namespace ZeroLagHub.Bench;

/// <summary>
/// Append throughput and latency of Marten, configured as the API configures it (QuickWithServerTimestamps
/// appends from a lightweight session, metadata columns, LISTEN/NOTIFY on append, the hash chain trigger),
/// against the floor PostgreSQL sets for the same durability: a bare INSERT of the same payload into a
/// logged table with no indexes, committed the same way, in the same run. The ratio between the two is the
/// cost of the event store (its round trips, stream row, version check, chain link, indexes, client CPU),
/// separated from what the disk and the server cost anyway. Client CPU per event is printed for each side:
/// on two cores it is where a miss shows first.
/// </summary>
internal static class AppendBenchmark
{
    public const string Usage = "  append [--seconds N] [--warmup N] [" + WakeupModeOption.Help + "]   Marten appends vs bare INSERT at 1, 8, 32 writers\n" +
                                "      (the target is measured with coalesced, as the API runs; per-append is the API before issue 18's fix, none a floor)";

    private static readonly int[] WriterCounts = [1, 8, 32];
    private static readonly Shape[] Shapes = [new("single event", 1), new("batch of 10", 10)];

    // The figure the event store is held to: at 8 writers a single-event append keeps this share of
    // what a bare insert does.
    private const int TargetWriters = 8;
    private const double TargetRatio = 0.4;

    private const string BareTable = "public.bare_events";

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var options = Options.Parse(args, "--seconds", "--warmup", WakeupModeOption.Name);
        var duration = options.Seconds("--seconds", fallback: 5, min: 0.1);
        var warmup = options.Seconds("--warmup", fallback: 1, min: 0);
        // Slices of about a second, alternating sides, so a checkpoint or autovacuum burst lands on both.
        var slices = Math.Max(1, (int)Math.Round(duration.TotalSeconds));

        // Headroom over the writer count so the pool never becomes the bottleneck being measured.
        await using var db = await BenchDatabase.CreateAsync(maxPoolSize: WriterCounts.Max() + 8, ct);
        var wakeup = WakeupModeOption.Parse(options);
        using var store = CreateStore(db.ConnectionString, db.DataSource, wakeup);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using (var create = db.DataSource.CreateCommand($"CREATE TABLE {BareTable} (data jsonb NOT NULL, metadata jsonb NOT NULL)"))
            await create.ExecuteNonQueryAsync(ct);

        Console.WriteLine($"append benchmark: {duration.TotalSeconds:0.##} s per side per case in {slices} alternating slices, " +
                          $"{warmup.TotalSeconds:0.##} s warm-up per side");
        Console.WriteLine($"server: {await db.ShowAsync("server_version", ct)}, fsync={await db.ShowAsync("fsync", ct)}, " +
                          $"synchronous_commit={await db.ShowAsync("synchronous_commit", ct)} ({db.ServerOrigin}), database {db.Name}");
        Console.WriteLine($"payload: {Payload.Serialize(Payload.NewEvent(Guid.NewGuid())).Length} B event JSON; Marten {typeof(IDocumentStore).Assembly.GetName().Version}, " +
                          $"append mode {store.Options.Events.AppendMode}, lightweight sessions, daemon wake-up {wakeup}, hash chain trigger on");
        Console.WriteLine();

        // Once before any case, at full concurrency: opens every pooled connection and gets both paths
        // past tiered JIT, costs the first case would otherwise pay inside its measurement.
        Console.Error.WriteLine("priming ...");
        foreach (var shape in Shapes)
            await WarmUpAsync(CreateWriters(shape, WriterCounts.Max(), store, db.DataSource), warmup, ct);

        var results = new List<CaseResult>();
        (WaitProfile? Ours, WaitProfile? Bare) targetProfiles = default;
        foreach (var shape in Shapes)
        {
            foreach (var writers in WriterCounts)
            {
                Console.Error.WriteLine($"running {shape.Name} x {writers} writers ...");
                var sides = CreateWriters(shape, writers, store, db.DataSource);
                // Per case too: the server's caches and the new streams settle before anything is recorded.
                await WarmUpAsync(sides, warmup, ct);
                // The target case is profiled on the server too: where a miss comes from.
                var profiled = shape.EventsPerCall == 1 && writers == TargetWriters;
                var profiles = profiled ? (Ours: NewProfile(db.ConnectionString), Bare: NewProfile(db.ConnectionString)) : default;
                results.Add(await MeasureAsync(shape, sides, duration, slices, profiles.Ours, profiles.Bare, ct));
                if (profiled) targetProfiles = profiles;
            }
        }

        PrintTable(results);
        var target = results.Single(r => r.Shape.EventsPerCall == 1 && r.Writers == TargetWriters);
        var verdict = target.Ratio >= TargetRatio ? "PASS" : "FAIL";
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target: {TargetWriters} writers single-event append >= {TargetRatio}x bare insert: {verdict} (ratio {target.Ratio:0.00})"));
        Console.WriteLine($"server time of the {TargetWriters} writers (pg_stat_activity every 10 ms), single event:");
        Console.WriteLine($"  marten: {string.Join(", ", targetProfiles.Ours!.Top(6))}");
        Console.WriteLine($"  bare:   {string.Join(", ", targetProfiles.Bare!.Top(6))}");
        // A report, not a gate: a FAIL still exits 0.
        return 0;
    }

    /// <summary>Both sides at one shape and concurrency, each writer on a stream (or rows) of its own.</summary>
    private static Sides CreateWriters(Shape shape, int writers, IDocumentStore store, NpgsqlDataSource dataSource) => new(
        [.. Enumerable.Range(0, writers).Select(_ => new MartenWriter(store, shape.EventsPerCall))],
        [.. Enumerable.Range(0, writers).Select(_ => new BareWriter(dataSource, shape.EventsPerCall))]);

    private static async Task WarmUpAsync(Sides sides, TimeSpan warmup, CancellationToken ct)
    {
        if (warmup <= TimeSpan.Zero) return;
        await RunSliceAsync(sides.Ours, warmup, ct);
        await RunSliceAsync(sides.Bare, warmup, ct);
    }

    /// <summary>Its own small pool and application name, so the sampler never counts itself or takes a writer's connection.</summary>
    private static WaitProfile NewProfile(string benchConnection) => new(NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(benchConnection) { ApplicationName = "zlh-bench-sampler", MaxPoolSize = 2 }.ConnectionString),
        new NpgsqlConnectionStringBuilder(benchConnection).ApplicationName!);

    private static async Task<CaseResult> MeasureAsync(Shape shape, Sides sides, TimeSpan duration, int slices,
        WaitProfile? oursProfile, WaitProfile? bareProfile, CancellationToken ct)
    {
        Task<Measurement> Ours(TimeSpan slice) => oursProfile is null ? RunSliceAsync(sides.Ours, slice, ct) : oursProfile.SampleAsync(() => RunSliceAsync(sides.Ours, slice, ct), ct);
        Task<Measurement> Bare(TimeSpan slice) => bareProfile is null ? RunSliceAsync(sides.Bare, slice, ct) : bareProfile.SampleAsync(() => RunSliceAsync(sides.Bare, slice, ct), ct);
        var oursTotal = new Measurement();
        var bareTotal = new Measurement();
        var slice = duration / slices;
        for (var i = 0; i < slices; i++)
        {
            // ABBA order: whichever side goes second in a pair goes first in the next, so slow drift
            // (a growing table, WAL recycling) does not always fall on the same side.
            if (i % 2 == 0)
            {
                oursTotal.Add(await Ours(slice));
                bareTotal.Add(await Bare(slice));
            }
            else
            {
                bareTotal.Add(await Bare(slice));
                oursTotal.Add(await Ours(slice));
            }
        }
        return new CaseResult(shape, sides.Ours.Length, oursTotal, bareTotal);
    }

    /// <summary>All writers append back to back until the deadline; each call's latency is recorded.</summary>
    private static async Task<Measurement> RunSliceAsync(IWriter[] writers, TimeSpan duration, CancellationToken ct)
    {
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var runs = writers.Select(writer => Task.Run(async () =>
        {
            var latencies = new LatencyRecorder();
            long events = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var callStart = Stopwatch.GetTimestamp();
                events += await writer.AppendAsync(ct);
                latencies.RecordSince(callStart);
            }
            return (events, latencies);
        }, ct)).ToArray();
        var done = await Task.WhenAll(runs);
        // Elapsed runs until the last writer's last call returns, so the calls that overran the
        // deadline are paid for in the rate as well as counted.
        var elapsed = Stopwatch.GetElapsedTime(start);

        var measurement = new Measurement { Elapsed = elapsed, ClientCpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore };
        foreach (var (events, latencies) in done)
        {
            measurement.Events += events;
            measurement.Latencies.Add(latencies);
        }
        return measurement;
    }

    private static void PrintTable(IReadOnlyList<CaseResult> results)
    {
        const string header = "case          writers | marten ev/s  p50 ms  p99 ms cpu us/ev |  bare ev/s  p50 ms  p99 ms cpu us/ev | marten/bare";
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Shape.Name,-13} {r.Writers,7} | {Row(r.Ours)} | {Row(r.Bare)} | {r.Ratio,8:0.00}x"));
        }
        Console.WriteLine();
        Console.WriteLine("ev/s counts events (10 per call for batches); p50/p99 are per append call; cpu us/ev is this process's CPU per event.");

        static string Row(Measurement m) => string.Create(CultureInfo.InvariantCulture,
            $"{m.EventsPerSecond,11:0} {m.Latencies.PercentileMs(50),7:0.00} {m.Latencies.PercentileMs(99),7:0.00} {m.ClientCpuMicrosPerEvent,9:0}");
    }

    private sealed record Shape(string Name, int EventsPerCall);

    private sealed record Sides(IWriter[] Ours, IWriter[] Bare);

    private sealed record CaseResult(Shape Shape, int Writers, Measurement Ours, Measurement Bare)
    {
        public double Ratio => Ours.EventsPerSecond / Bare.EventsPerSecond;
    }

    /// <summary>Events written and time spent by one side, summed over its slices.</summary>
    private sealed class Measurement
    {
        public long Events { get; set; }
        public TimeSpan Elapsed { get; set; }
        public TimeSpan ClientCpu { get; set; }
        public LatencyRecorder Latencies { get; } = new();
        public double EventsPerSecond => Events / Elapsed.TotalSeconds;
        public double ClientCpuMicrosPerEvent => ClientCpu.TotalMicroseconds / Events;

        public void Add(Measurement slice)
        {
            Events += slice.Events;
            Elapsed += slice.Elapsed;
            ClientCpu += slice.ClientCpu;
            Latencies.Add(slice.Latencies);
        }
    }

    /// <summary>One concurrent writer; a call appends a fixed number of events and returns that number.</summary>
    private interface IWriter
    {
        Task<int> AppendAsync(CancellationToken ct);
    }

    /// <summary>The API's Marten configuration, as far as appends see it.</summary>
    private static DocumentStore CreateStore(string connectionString, NpgsqlDataSource dataSource, WakeupMode wakeup) => DocumentStore.For(options =>
    {
        options.Connection(connectionString);
        options.UseSystemTextJsonForSerialization(new JsonSerializerOptions(JsonSerializerDefaults.Web), EnumStorage.AsInteger, Casing.CamelCase);
        options.DatabaseSchemaName = "events";
        options.Events.AppendMode = EventAppendMode.QuickWithServerTimestamps;
        options.Events.UseListenNotifyForEventAppends = wakeup == WakeupMode.PerAppend;
        if (wakeup == WakeupMode.Coalesced) options.Listeners.Add(new AppendNotifier(dataSource, NullLogger.Instance));
        options.Events.MetadataConfig.EnableAll();
        options.Events.MetadataConfig.UserNameEnabled = true;
        foreach (var type in DomainEvents.All) options.Events.MapEventType(type.ClrType, type.Name);
        options.Events.MapEventType(typeof(ContainerStatusChanged), "container.status-changed");
        options.AddHashChain();
    });

    /// <summary>
    /// Owns one stream and appends with the exact expected version, as a command handler that has just
    /// loaded its aggregate does, from a lightweight session (no identity map, no change tracking) with
    /// the metadata a command carries.
    /// </summary>
    private sealed class MartenWriter(IDocumentStore store, int eventsPerCall) : IWriter
    {
        private readonly Guid _streamId = Guid.NewGuid();
        private long _version;

        public async Task<int> AppendAsync(CancellationToken ct)
        {
            var events = new object[eventsPerCall];
            for (var i = 0; i < events.Length; i++) events[i] = Payload.NewEvent(_streamId);
            await using var session = store.LightweightSession();
            session.LastModifiedBy = "svc-agent";
            session.CorrelationId = Guid.NewGuid().ToString();
            session.CausationId = Guid.NewGuid().ToString();
            session.SetHeader("client_ip", "10.20.30.40");
            if (_version == 0) session.Events.StartStream(_streamId, events);
            else session.Events.Append(_streamId, _version + eventsPerCall, events);
            await session.SaveChangesAsync(ct);
            _version += eventsPerCall;
            return eventsPerCall;
        }
    }

    /// <summary>
    /// The floor: the same JSON, serialized per call like the store does, one autocommitted statement
    /// per call (10 rows via unnest for batches) on a pooled connection, into a table with no indexes.
    /// </summary>
    private sealed class BareWriter(NpgsqlDataSource dataSource, int eventsPerCall) : IWriter
    {
        private const string InsertOne = $"INSERT INTO {BareTable} (data, metadata) VALUES (@data, @metadata)";
        private const string InsertMany = $"INSERT INTO {BareTable} (data, metadata) SELECT d, @metadata FROM unnest(@data) AS d";

        private readonly Guid _containerId = Guid.NewGuid();

        public async Task<int> AppendAsync(CancellationToken ct)
        {
            await using var command = dataSource.CreateCommand(eventsPerCall == 1 ? InsertOne : InsertMany);
            if (eventsPerCall == 1)
            {
                command.Parameters.Add(new NpgsqlParameter<string>("data", NpgsqlDbType.Jsonb)
                    { TypedValue = Payload.Serialize(Payload.NewEvent(_containerId)) });
            }
            else
            {
                var data = new string[eventsPerCall];
                for (var i = 0; i < data.Length; i++) data[i] = Payload.Serialize(Payload.NewEvent(_containerId));
                command.Parameters.Add(new NpgsqlParameter<string[]>("data", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = data });
            }
            command.Parameters.Add(new NpgsqlParameter<string>("metadata", NpgsqlDbType.Jsonb)
                { TypedValue = Payload.Serialize(Payload.NewMetadata()) });
            await command.ExecuteNonQueryAsync(ct);
            return eventsPerCall;
        }
    }

    /// <summary>A typical small control-plane event: about 150 bytes of JSON.</summary>
    private static class Payload
    {
        public static ContainerStatusChanged NewEvent(Guid containerId) =>
            new(containerId, "node-eu-west-07", "starting", "running", DateTimeOffset.UtcNow);

        /// <summary>What Marten stores beside the payload: user, correlation, causation, headers.</summary>
        public static object NewMetadata() =>
            new { user = "svc-agent", correlationId = Guid.NewGuid().ToString(), causationId = Guid.NewGuid().ToString(), clientIp = "10.20.30.40" };

        // camelCase like the store's serializer, so the bare insert stores about what Marten does.
        public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Json);

        private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    }
}

/// <summary>A container on a node moved between lifecycle states.</summary>
internal sealed record ContainerStatusChanged(Guid ContainerId, string NodeId, string From, string To, DateTimeOffset ObservedAt);
