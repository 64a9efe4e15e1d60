using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ZeroLagHub.EventStore;
using ZeroLagHub.EventStore.Queue;
using ZeroLagHub.EventStore.Serialization;

namespace ZeroLagHub.Bench;

/// <summary>
/// Throughput of the durable message queue end to end — 4 producers enqueue (each in its own durable
/// transaction), 4 workers claim, handle and complete — against the floor PostgreSQL sets for the
/// producers' part alone: 4 concurrent single-row INSERTs of the same payload into a table with no
/// indexes, each committed the same way. The ratio is what claiming, leasing, completing and waking
/// cost on top of writing the message durably once.
/// </summary>
/// <remarks>
/// A queue slice runs the producers for the slice's duration, then waits until every message it
/// enqueued is handled and its row deleted; its rate is messages over that whole time, so a worker
/// side that falls behind pays for its backlog.
/// </remarks>
internal static class QueueBenchmark
{
    public const string Usage = "  queue [--seconds N] [--warmup N]    enqueue → handle → complete with 4 workers vs bare INSERT at 4 writers";

    private const int Producers = 4;
    private const int Workers = 4;
    private const double TargetRatio = 0.5;
    private const string BareTable = "public.bare_messages";

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var options = Options.Parse(args, "--seconds", "--warmup");
        var duration = options.Seconds("--seconds", fallback: 5, min: 0.1);
        var warmup = options.Seconds("--warmup", fallback: 1, min: 0);
        var slices = Math.Max(1, (int)Math.Round(duration.TotalSeconds));

        // Each worker holds up to four connections (claims, outcomes, lease renewal, LISTEN).
        await using var db = await BenchDatabase.CreateAsync(maxPoolSize: Producers * 2 + Workers * 4 + 8, ct);
        await PostgresEventStore.MigrateAsync(db.DataSource, ct);
        await using (var create = db.DataSource.CreateCommand($"CREATE TABLE {BareTable} (id uuid NOT NULL, type text NOT NULL, data jsonb NOT NULL)"))
            await create.ExecuteNonQueryAsync(ct);

        var types = new EventTypeRegistry().Register<StartServer>("bench.start-server");
        var queue = new MessageQueue(db.DataSource, types);
        var handled = new HandledCounter();
        var handlers = new MessageHandlers().Register<StartServer>((envelope, _) =>
        {
            handled.Record(envelope.Message.SentAt);
            return Task.CompletedTask;
        });

        Console.WriteLine($"queue benchmark: {duration.TotalSeconds:0.##} s of producing per side in {slices} alternating slices, " +
                          $"{warmup.TotalSeconds:0.##} s warm-up per side; {Producers} producers, {Workers} workers (default options)");
        Console.WriteLine($"server: {await db.ShowAsync("server_version", ct)}, fsync={await db.ShowAsync("fsync", ct)}, " +
                          $"synchronous_commit={await db.ShowAsync("synchronous_commit", ct)} ({db.ServerOrigin}), database {db.Name}");
        Console.WriteLine($"payload: {JsonSerializer.Serialize(StartServer.New(), EventTypeRegistry.JsonOptions).Length} B message JSON");
        Console.WriteLine();

        using var stopWorkers = new CancellationTokenSource();
        var workers = Enumerable.Range(0, Workers)
            .Select(i => new MessageWorker(queue, handlers, new MessageWorkerOptions { WorkerId = $"bench-{i}" }))
            .Select(worker => Task.Run(() => worker.RunAsync(stopWorkers.Token), CancellationToken.None))
            .ToArray();
        try
        {
            Console.Error.WriteLine("warming up ...");
            if (warmup > TimeSpan.Zero)
            {
                await RunQueueSliceAsync(queue, db.DataSource, handled, warmup, ct);
                await RunBareSliceAsync(db.DataSource, warmup, ct);
            }

            Console.Error.WriteLine("measuring ...");
            var ours = new Measurement();
            var bare = new Measurement();
            var slice = duration / slices;
            for (var i = 0; i < slices; i++)
            {
                // ABBA, as in the append benchmark: drift (table growth, WAL recycling, autovacuum) does
                // not always land on the same side.
                if (i % 2 == 0)
                {
                    ours.Add(await RunQueueSliceAsync(queue, db.DataSource, handled, slice, ct));
                    bare.Add(await RunBareSliceAsync(db.DataSource, slice, ct));
                }
                else
                {
                    bare.Add(await RunBareSliceAsync(db.DataSource, slice, ct));
                    ours.Add(await RunQueueSliceAsync(queue, db.DataSource, handled, slice, ct));
                }
            }

            Print(ours, bare);
        }
        finally
        {
            await stopWorkers.CancelAsync();
            await Task.WhenAll(workers);
        }
        // A report, not a gate: a FAIL still exits 0.
        return 0;
    }

    /// <summary>Producers enqueue until the deadline; then the slice waits for the queue to drain.</summary>
    private static async Task<Measurement> RunQueueSliceAsync(MessageQueue queue, NpgsqlDataSource dataSource, HandledCounter handled,
        TimeSpan duration, CancellationToken ct)
    {
        var before = handled.Take();
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var produced = await Task.WhenAll(Enumerable.Range(0, Producers).Select(_ => Task.Run(async () =>
        {
            var calls = new LatencyRecorder();
            long count = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var callStart = Stopwatch.GetTimestamp();
                await queue.EnqueueAsync(StartServer.New(), ct: ct);
                calls.RecordSince(callStart);
                count++;
            }
            return (count, calls);
        }, ct)));
        var enqueued = produced.Sum(p => p.count);

        // Handled first (cheap, in memory), then the last outcomes written: the queue table is empty.
        while (handled.Count - before.Count < enqueued) await Task.Delay(1, ct);
        while (await CountAsync(dataSource, ct) > 0) await Task.Delay(1, ct);
        var elapsed = Stopwatch.GetElapsedTime(start);

        var measurement = new Measurement { Messages = enqueued, Elapsed = elapsed };
        foreach (var (_, calls) in produced) measurement.Calls.Add(calls);
        measurement.EndToEnd.Add(handled.Take().Latencies);
        return measurement;
    }

    /// <summary>The floor: one autocommitted INSERT per call of the same JSON, serialized per call like an enqueue.</summary>
    private static async Task<Measurement> RunBareSliceAsync(NpgsqlDataSource dataSource, TimeSpan duration, CancellationToken ct)
    {
        const string insert = $"INSERT INTO {BareTable} (id, type, data) VALUES (@id, @type, @data)";
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var done = await Task.WhenAll(Enumerable.Range(0, Producers).Select(_ => Task.Run(async () =>
        {
            var calls = new LatencyRecorder();
            long count = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var callStart = Stopwatch.GetTimestamp();
                await using var command = dataSource.CreateCommand(insert);
                command.Parameters.Add(new NpgsqlParameter<Guid>("id", Guid.CreateVersion7()));
                command.Parameters.Add(new NpgsqlParameter<string>("type", "bench.start-server"));
                command.Parameters.Add(new NpgsqlParameter<string>("data", NpgsqlDbType.Jsonb)
                    { TypedValue = JsonSerializer.Serialize(StartServer.New(), EventTypeRegistry.JsonOptions) });
                await command.ExecuteNonQueryAsync(ct);
                calls.RecordSince(callStart);
                count++;
            }
            return (count, calls);
        }, ct)));

        var measurement = new Measurement { Messages = done.Sum(d => d.count), Elapsed = Stopwatch.GetElapsedTime(start) };
        foreach (var (_, calls) in done) measurement.Calls.Add(calls);
        return measurement;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM es.queue_messages");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static void Print(Measurement ours, Measurement bare)
    {
        const string header = "side                                   msg/s | call p50 ms  p99 ms | enqueue→handler p50 ms  p99 ms";
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"bare INSERT x" + Producers,-36} {bare.Rate,8:0} | {bare.Calls.PercentileMs(50),11:0.00} {bare.Calls.PercentileMs(99),7:0.00} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{$"queue: enqueue x{Producers} → {Workers} workers",-36} {ours.Rate,8:0} | {ours.Calls.PercentileMs(50),11:0.00} {ours.Calls.PercentileMs(99),7:0.00} | " +
            $"{ours.EndToEnd.PercentileMs(50),22:0.00} {ours.EndToEnd.PercentileMs(99),7:0.00}"));
        Console.WriteLine();
        Console.WriteLine("queue msg/s counts messages enqueued over the time until the last one was handled and deleted;");
        Console.WriteLine("call = one enqueue or INSERT call; enqueue→handler = from the start of the enqueue call to its handler starting.");
        var ratio = ours.Rate / bare.Rate;
        var verdict = ratio >= TargetRatio ? "PASS" : "FAIL";
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target: queue throughput >= {TargetRatio}x bare insert at {Producers} writers: {verdict} (ratio {ratio:0.00})"));
    }

    private sealed class Measurement
    {
        public long Messages { get; set; }
        public TimeSpan Elapsed { get; set; }
        public LatencyRecorder Calls { get; } = new();
        public LatencyRecorder EndToEnd { get; } = new();
        public double Rate => Messages / Elapsed.TotalSeconds;

        public void Add(Measurement slice)
        {
            Messages += slice.Messages;
            Elapsed += slice.Elapsed;
            Calls.Add(slice.Calls);
            EndToEnd.Add(slice.EndToEnd);
        }
    }

    /// <summary>Handlers run concurrently on many threads; one lock is cheap next to a database round trip.</summary>
    private sealed class HandledCounter
    {
        private readonly Lock _lock = new();
        private LatencyRecorder _latencies = new();
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public void Record(long sentAt)
        {
            lock (_lock) _latencies.RecordSince(sentAt);
            Interlocked.Increment(ref _count);
        }

        /// <summary>The count so far, and the latencies recorded since the last call.</summary>
        public (long Count, LatencyRecorder Latencies) Take()
        {
            lock (_lock)
            {
                var taken = _latencies;
                _latencies = new LatencyRecorder();
                return (Count, taken);
            }
        }
    }
}

/// <summary>A typical agent command: about 150 bytes of JSON. <see cref="SentAt"/> times enqueue → handler in-process.</summary>
internal sealed record StartServer(Guid ContainerId, string NodeId, string Reason, DateTimeOffset RequestedAt, long SentAt)
{
    public static StartServer New() => new(Guid.NewGuid(), "node-eu-west-07", "user request via portal", DateTimeOffset.UtcNow, Stopwatch.GetTimestamp());
}
