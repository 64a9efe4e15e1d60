using System.Diagnostics;
using System.Globalization;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using ZeroLagHub.Api.ReadModels;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Bench.Polling;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.Events;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Bench.Rebuild;

/// <summary>
/// <c>rebuild</c> (issue 18): the container status read model rebuilt through our zero-downtime rebuild
/// (<see cref="ReadModelAdmin.RebuildAsync"/> starts generation n+1, the API's <see cref="ReadModelRebuilder"/> fills it
/// from Marten's <c>mt_events</c> in sequence order and swaps the views), in a host registered as the API registers
/// it, against the floor PostgreSQL sets for the read alone: a keyset-paged ordered read of the same rows and columns,
/// same page size, through the Npgsql reader. Readers query the status view throughout; every read is timed and
/// a read that does not find its container counts as a miss.
/// </summary>
/// <remarks>
/// Steps: (1) load <c>--events</c> events over <c>--streams</c> containers through the store (seeded as deployed,
/// then agent facts alternating offline / back, 20 per append, 4 loaders), wait until the live projection has them
/// all, VACUUM ANALYZE and CHECKPOINT; (2) the raw ordered read; (3) the rebuild, timed from the request to the swap,
/// with readers; (4) Marten's <c>QueryAllRawEvents</c> alone, paged as the rebuild reads (how much of the rebuild
/// is reading), and the raw read again (the ratio uses the better of the two, so it never flatters us); (5) the
/// rebuilt generation has one row per container.
/// </remarks>
internal static class RebuildBenchmark
{
    public const string Usage =
        "  rebuild [--events N (1000000)] [--streams N (10000)] [--readers N (2)]   status read model rebuild vs raw ordered read of mt_events";

    private const double TargetRatio = 0.15;
    private const int Loaders = 4;
    private const int AppendSize = 20;
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var options = Options.Parse(args, "--events", "--streams", "--readers");
        var streams = (int)options.Count("--streams", 10_000, min: 1);
        var events = options.Count("--events", 1_000_000, min: streams * 4L);
        var readerCount = (int)options.Count("--readers", 2, min: 0);

        await using var db = await BenchDatabase.CreateAsync(maxPoolSize: 64, ct);
        var builder = StatusProjectionHost.CreateBuilder(db);
        using var host = builder.Build();
        await host.StartAsync(ct);
        try
        {
            var store = host.Services.GetRequiredService<IEventStore>();
            var admin = host.Services.GetRequiredService<ReadModelAdmin>();
            var name = new ContainerStatusProjection().Name;

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rebuild benchmark: {events:N0} events over {streams:N0} containers into {name}, through ReadModelAdmin.RebuildAsync + ReadModelRebuilder " +
                $"(step {ReadModelRebuilder.StepSize}); {readerCount} readers on the status view throughout"));
            Console.WriteLine($"server: {await db.ShowAsync("server_version", ct)}, fsync={await db.ShowAsync("fsync", ct)}, " +
                              $"shared_buffers={await db.ShowAsync("shared_buffers", ct)} ({db.ServerOrigin}), database {db.Name}; load average {CpuMeter.LoadAverage()}");

            // :: Step 1 — load (not measured)
            var ids = Enumerable.Range(0, streams).Select(_ => Guid.NewGuid()).ToArray();
            var loading = Stopwatch.StartNew();
            await BenchContainers.SeedAsync(store, ids, ct, correlationId: "rebuild-bench-seed");
            await LoadAsync(store, ids, events - streams * 4L, ct);
            var loaded = loading.Elapsed;
            while ((await admin.StatusAsync(name, ct)).EventsBehind > 0) await Task.Delay(100, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"loaded in {loaded.TotalSeconds:0} s ({events / loaded.TotalSeconds:N0} ev/s), projected live after {loading.Elapsed.TotalSeconds:0} s; not the measured figures"));
            await SettleAsync(db.DataSource, ct);
            Console.WriteLine($"mt_events: {await ScalarAsync<string>(db.DataSource, $"SELECT pg_size_pretty(pg_table_size('{MartenSchema.Name}.mt_events'))", ct)} after VACUUM (ANALYZE) and CHECKPOINT");
            Console.WriteLine();

            // :: Step 2
            Console.Error.WriteLine("raw ordered read ...");
            var read1 = await RawReadAsync(db.DataSource, ReadModelRebuilder.StepSize, events, ct);

            // :: Step 3
            Console.Error.WriteLine("rebuild ...");
            using var stopReaders = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var readers = Enumerable.Range(0, readerCount).Select(_ => Task.Run(() => ReadAsync(db.DataSource, ids, stopReaders.Token), CancellationToken.None)).ToArray();
            TimeSpan rebuildTime;
            int generation;
            try
            {
                var start = Stopwatch.GetTimestamp();
                generation = await admin.RebuildAsync(name, "bench", ct);
                var nextProgress = Stopwatch.GetTimestamp() + (long)(ProgressEvery.TotalSeconds * Stopwatch.Frequency);
                while ((await ReadModelRow.LoadAsync(db.DataSource, name, ct))!.LiveGeneration != generation)
                {
                    if (Stopwatch.GetTimestamp() >= nextProgress)
                    {
                        var status = await admin.StatusAsync(name, ct);
                        if (status.Rebuild is { } r)
                            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.Done:N0}/{r.Total:N0}, {r.EventsPerSecond:N0} ev/s"));
                        nextProgress = Stopwatch.GetTimestamp() + (long)(ProgressEvery.TotalSeconds * Stopwatch.Frequency);
                    }
                    await Task.Delay(20, ct);
                }
                rebuildTime = Stopwatch.GetElapsedTime(start);
            }
            finally
            {
                await stopReaders.CancelAsync();
            }
            var reads = new ReadStats();
            foreach (var reader in readers) reads.Add(await reader);

            // :: Step 4 — and the rebuild's read path alone, to split its time between reading and applying
            Console.Error.WriteLine("Marten's QueryAllRawEvents alone ...");
            var martenRead = await MartenReadAsync(host.Services.GetRequiredService<IDocumentStore>(), ReadModelRebuilder.StepSize, events, ct);
            Console.Error.WriteLine("raw ordered read, second round ...");
            var read2 = await RawReadAsync(db.DataSource, ReadModelRebuilder.StepSize, events, ct);

            // :: Step 5
            var rows = await ScalarAsync<long>(db.DataSource, $"SELECT count(*) FROM {ContainerStatusProjection.Table}", ct);

            var rebuildRate = events / rebuildTime.TotalSeconds;
            var readRate = Math.Max(read1, read2);
            Console.WriteLine("pass                                     ev/s");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raw ordered read #1 (page {ReadModelRebuilder.StepSize})   {read1,12:N0}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rebuild → generation {generation} live           {rebuildRate,12:N0}   ({rebuildTime.TotalSeconds:0.0} s)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"QueryAllRawEvents only (its read)    {martenRead,12:N0}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raw ordered read #2                  {read2,12:N0}"));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"readers during the rebuild: {reads.Latencies.Count:N0} reads, {reads.Misses} misses, {reads.Errors} errors; " +
                $"p50 {reads.Latencies.PercentileMs(50):0.00} ms, p99 {reads.Latencies.PercentileMs(99):0.00} ms, max {reads.Latencies.PercentileMs(100):0.0} ms"));
            Console.WriteLine($"read model after the swap: {rows:N0} rows (expected {streams:N0}); load average {CpuMeter.LoadAverage()}");
            var ok = rows == streams && reads.Misses == 0 && reads.Errors == 0;
            var ratio = rebuildRate / readRate;
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"target: rebuild >= {TargetRatio}x raw ordered read, readers served throughout: {(ratio >= TargetRatio && ok ? "PASS" : "FAIL")} (ratio {ratio:0.00})"));
            return ok ? 0 : 1;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Agent facts in appends of <see cref="AppendSize"/>, round-robin over the containers, so the log interleaves streams.</summary>
    private static async Task LoadAsync(IEventStore store, Guid[] ids, long events, CancellationToken ct)
    {
        var metadata = new EventMetadata(User: "svc-agent", CorrelationId: Guid.NewGuid().ToString(), ClientIp: "10.20.30.40");
        var appends = (events + AppendSize - 1) / AppendSize;
        long next = -1, done = 0;
        var start = Stopwatch.GetTimestamp();
        var work = Task.WhenAll(Enumerable.Range(0, Loaders).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < appends; i = Interlocked.Increment(ref next))
            {
                var id = ids[i % ids.Length];
                var n = (int)Math.Min(AppendSize, events - i * AppendSize);
                var batch = new object[n];
                for (var e = 0; e < n; e++)
                    batch[e] = e % 2 == 0 ? new AgentWentOffline(DateTimeOffset.UtcNow) : new AgentCameBack(StubIdentity.InstanceOf(id), DateTimeOffset.UtcNow);
                await store.AppendAsync(Container.StreamId(id), ExpectedVersion.Any, batch, metadata, ct);
                Interlocked.Add(ref done, n);
            }
        }, ct)));
        while (await Task.WhenAny(work, Task.Delay(ProgressEvery, ct)) != work)
        {
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var d = Interlocked.Read(ref done);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  loading: {d:N0}/{events:N0} ({d / seconds:N0} ev/s)"));
        }
        await work;
    }

    /// <summary>
    /// The floor: the columns the rebuild reads, in sequence order, keyset-paged, one autocommitted query per page;
    /// values are read, JSON is not parsed.
    /// </summary>
    private static async Task<double> RawReadAsync(NpgsqlDataSource dataSource, int pageSize, long expected, CancellationToken ct)
    {
        var sql = $"""
            SELECT seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, correlation_id, causation_id, headers, user_name
              FROM {MartenSchema.Name}.mt_events WHERE seq_id > @after ORDER BY seq_id LIMIT @limit
            """;
        var start = Stopwatch.GetTimestamp();
        long after = 0, read = 0, bytes = 0;
        while (true)
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.AddWithValue("after", after);
            command.Parameters.AddWithValue("limit", pageSize);
            var inPage = 0;
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    after = reader.GetInt64(0);
                    for (var c = 1; c < reader.FieldCount; c++)
                        if (!reader.IsDBNull(c)) bytes += reader.GetValue(c) is string s ? s.Length : 1;
                    inPage++;
                }
            }
            read += inPage;
            if (inPage < pageSize) break;
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (read != expected) throw new InvalidOperationException($"the raw read found {read} events, {expected} were loaded");
        GC.KeepAlive(bytes);
        return read / elapsed.TotalSeconds;
    }

    /// <summary>The rebuild's read alone: the same Marten query, page after page, nothing applied.</summary>
    private static async Task<double> MartenReadAsync(IDocumentStore store, int pageSize, long expected, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        long after = 0, read = 0;
        while (true)
        {
            await using var session = store.QuerySession();
            var page = await session.Events.QueryAllRawEvents()
                .Where(e => e.Sequence > after)
                .OrderBy(e => e.Sequence)
                .Take(pageSize)
                .ToListAsync(ct);
            read += page.Count;
            if (page.Count < pageSize) break;
            after = page[^1].Sequence;
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (read != expected) throw new InvalidOperationException($"QueryAllRawEvents found {read} events, {expected} were loaded");
        return read / elapsed.TotalSeconds;
    }

    /// <summary>One reader: a container's status row by id, again and again, as the status endpoint's fallback reads it.</summary>
    private static async Task<ReadStats> ReadAsync(NpgsqlDataSource dataSource, Guid[] ids, CancellationToken stop)
    {
        var stats = new ReadStats();
        var random = new Random();
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {ContainerStatusProjection.Table} WHERE id = @id");
                command.Parameters.AddWithValue("id", ids[random.Next(ids.Length)]);
                var found = (long)(await command.ExecuteScalarAsync(stop))!;
                stats.Latencies.RecordSince(started);
                if (found != 1) stats.Misses++;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (NpgsqlException)
            {
                stats.Errors++;
            }
        }
        return stats;
    }

    /// <summary>VACUUM so no pass sets hint bits or meets autovacuum, CHECKPOINT so none competes with the load's dirty pages.</summary>
    private static async Task SettleAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        foreach (var sql in new[] { $"VACUUM (ANALYZE) {MartenSchema.Name}.mt_events", "CHECKPOINT" })
        {
            try
            {
                await using var command = dataSource.CreateCommand(sql);
                command.CommandTimeout = 0;
                await command.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                Console.Error.WriteLine($"{sql}: not permitted for this user");
            }
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    private sealed class ReadStats
    {
        public LatencyRecorder Latencies { get; } = new();
        public long Misses { get; set; }
        public long Errors { get; set; }

        public void Add(ReadStats other)
        {
            Latencies.Add(other.Latencies);
            Misses += other.Misses;
            Errors += other.Errors;
        }
    }
}
