using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using ZeroLagHub.EventStore;
using ZeroLagHub.EventStore.Appending;
using ZeroLagHub.EventStore.Daemon;
using ZeroLagHub.EventStore.Reading;
using ZeroLagHub.EventStore.Serialization;

namespace ZeroLagHub.Bench;

/// <summary>
/// How fast the daemon rebuilds a projection with one row per stream from position zero, against the
/// floor PostgreSQL sets for the read alone: a plain keyset-paged read of es.events in log order, all
/// columns, same page size, through the Npgsql reader. The ratio is what the gap-free horizon,
/// deserialising, folding, upserting and committing each batch with its fenced checkpoint cost on top
/// of reading the log once.
/// </summary>
/// <remarks>
/// Steps:
/// <list type="number">
/// <item>load: <c>--events</c> events over <c>--streams</c> streams through <see cref="PostgresEventStore.AppendAsync(string, ExpectedVersion, IReadOnlyCollection{object}, EventMetadata?, CancellationToken)"/>
/// (real store events with hash chains), then VACUUM ANALYZE and CHECKPOINT so no pass pays for the load;</item>
/// <item>baseline, first round: the plain read at every batch size (also warms the cache);</item>
/// <item>first build: the daemon builds generation 1 from zero (no shadow, no swap) — reported, not the target figure;</item>
/// <item>rebuild, per batch size (the first is the target figure: the default <see cref="DaemonOptions.RebuildBatchSize"/>): a daemon with that batch size leads the caught-up
/// projection, <see cref="ProjectionAdmin.RebuildAsync"/> starts a new generation from zero, and the clock
/// stops when that generation is live (the swap committed) — the whole operation an operator waits for;</item>
/// <item>baseline, second round; the ratio uses the better of the two rounds, so it never flatters us. Also
/// <see cref="PostgresEventStore.ReadAllAsync"/> alone (gap-free, deserialised, no writes), which splits
/// the gap between the read and the writing half of a daemon pass;</item>
/// <item>the read model is checked: one row per stream, every event counted once.</item>
/// </list>
/// </remarks>
internal static class RebuildBenchmark
{
    public const string Usage =
        "  rebuild [--events N] [--streams N] [--batches 500,2000] [--loaders N] [--append-size N]   projection rebuild vs plain ordered read of es.events";

    private const double TargetRatio = 0.3;

    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DonePoll = TimeSpan.FromMilliseconds(20);

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var options = Options.Parse(args, "--events", "--streams", "--batches", "--loaders", "--append-size");
        var events = options.Count("--events", 1_000_000, min: 1);
        var streams = (int)options.Count("--streams", 10_000, min: 1);
        var loaders = (int)options.Count("--loaders", 4, min: 1);
        // Streams are appended round-robin in slices of this many events, so the log interleaves streams
        // the way a busy control plane does: a 500-event batch touches dozens of rows, not one stream's run.
        var appendSize = (int)options.Count("--append-size", 20, min: 1);
        var batches = BatchSizes(args);

        await using var db = await BenchDatabase.CreateAsync(maxPoolSize: loaders + 16, ct);
        var types = new EventTypeRegistry().Register<ContainerStatusChanged>("container.status-changed");
        var signal = new CommitSignal(db.DataSource);
        var store = new PostgresEventStore(db.DataSource, types, signal);
        await PostgresEventStore.MigrateAsync(db.DataSource, ct);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rebuild benchmark: {events:N0} events over {streams:N0} streams, {appendSize} events per append, batch sizes {string.Join(", ", batches)}"));
        Console.WriteLine($"server: {await db.ShowAsync("server_version", ct)}, fsync={await db.ShowAsync("fsync", ct)}, " +
                          $"synchronous_commit={await db.ShowAsync("synchronous_commit", ct)}, shared_buffers={await db.ShowAsync("shared_buffers", ct)} " +
                          $"({db.ServerOrigin}), database {db.Name}");

        // :: Step 1 — load (not measured)
        var loadingStore = new PostgresEventStore(db.DataSource, types);
        var loadTime = await LoadAsync(loadingStore, events, streams, loaders, appendSize, ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loaded in {loadTime.TotalSeconds:0.0} s ({events / loadTime.TotalSeconds:N0} ev/s, {loaders} loaders; not the measured figure)"));
        var settle = Stopwatch.StartNew();
        await SettleAsync(db.DataSource, ct);
        Console.WriteLine($"es.events: {await TableSizeAsync(db.DataSource, ct)} after VACUUM (ANALYZE) and CHECKPOINT ({settle.Elapsed.TotalSeconds:0.0} s)");
        Console.WriteLine();

        var projection = new StreamCountProjection();
        var admin = new ProjectionAdmin(db.DataSource, store, signal, [projection]);
        await admin.EnsureAsync(ct);

        // :: Step 2 — baseline, first round
        var reads = batches.ToDictionary(b => b, _ => new List<Pass>());
        foreach (var batch in batches)
        {
            Console.Error.WriteLine($"plain ordered read, page {batch} ...");
            reads[batch].Add(await PlainReadAsync(db.DataSource, batch, events, ct));
        }

        // :: Step 3 — first build of generation 1 (the projection was registered after the load, at zero)
        Console.Error.WriteLine($"first build (generation 1), batch {batches[0]} ...");
        var firstBuild = await RunDaemonAsync(db.DataSource, store, signal, admin, projection, batches[0], events, rebuild: false, ct);

        // :: Step 4 — rebuilds
        var rebuilds = new Dictionary<int, Pass>();
        foreach (var batch in batches)
        {
            Console.Error.WriteLine($"rebuild, batch {batch} ...");
            rebuilds[batch] = await RunDaemonAsync(db.DataSource, store, signal, admin, projection, batch, events, rebuild: true, ct);
        }

        // :: Step 5 — baseline, second round; and the store's own read alone, to split the gap
        var storeReads = new Dictionary<int, Pass>();
        foreach (var batch in batches)
        {
            Console.Error.WriteLine($"store.ReadAllAsync, page {batch} ...");
            storeReads[batch] = await StoreReadAsync(store, batch, events, ct);
        }
        foreach (var batch in batches)
        {
            Console.Error.WriteLine($"plain ordered read, page {batch} (second round) ...");
            reads[batch].Add(await PlainReadAsync(db.DataSource, batch, events, ct));
        }

        // :: Step 6 — the read model is right
        var (rows, counted, inconsistent) = await StreamCountProjection.CheckAsync(db.DataSource, ct);

        PrintTables(firstBuild, rebuilds, storeReads, reads, batches);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"read model: {rows:N0} rows (expected {streams:N0}), {counted:N0} events counted (expected {events:N0}), {inconsistent} rows with events <> last_version"));
        var ok = rows == Math.Min(streams, events) && counted == events && inconsistent == 0;

        var targetBatch = batches[0];
        var ratio = rebuilds[targetBatch].EventsPerSecond / reads[targetBatch].Max(r => r.EventsPerSecond);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target: rebuild at batch {targetBatch} >= {TargetRatio}x plain ordered read: {(ratio >= TargetRatio ? "PASS" : "FAIL")} (ratio {ratio:0.00}){(ok ? "" : "; READ MODEL WRONG")}"));
        // A report, not a gate: a FAIL still exits 0, a wrong read model does not.
        return ok ? 0 : 1;
    }

    /// <summary>
    /// Runs a daemon with <paramref name="batchSize"/> until the projection has every event: generation 1
    /// applied them all (<paramref name="rebuild"/> false), or a rebuild started here went live.
    /// </summary>
    private static async Task<Pass> RunDaemonAsync(NpgsqlDataSource dataSource, PostgresEventStore store, CommitSignal signal,
        ProjectionAdmin admin, StreamCountProjection projection, int batchSize, long events, bool rebuild, CancellationToken ct)
    {
        var daemon = new ProjectionDaemon(dataSource, store, signal, [projection], new DaemonOptions { BatchSize = batchSize, RebuildBatchSize = batchSize });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        projection.ResetCounters();
        // A first build starts with the daemon: its clock includes taking the leader lock (milliseconds).
        var start = Stopwatch.GetTimestamp();
        var running = daemon.RunAsync(stop.Token);
        try
        {
            int? target = null;
            if (rebuild)
            {
                // Leading first, so the clock does not include taking the leader lock.
                while (!daemon.Leading.Contains(projection.Name)) await Task.Delay(DonePoll, ct);
                start = Stopwatch.GetTimestamp();
                target = await admin.RebuildAsync(projection.Name, "bench", ct);
            }

            var nextProgress = start + (long)(ProgressEvery.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                var (live, applied) = await LiveProgressAsync(dataSource, projection.Name, ct);
                if (target is { } t ? live == t : applied >= events) break;
                if (Stopwatch.GetTimestamp() >= nextProgress)
                {
                    await PrintProgressAsync(admin, projection.Name, ct);
                    nextProgress = Stopwatch.GetTimestamp() + (long)(ProgressEvery.TotalSeconds * Stopwatch.Frequency);
                }
                await Task.Delay(DonePoll, ct);
            }
            var elapsed = Stopwatch.GetElapsedTime(start);
            return new Pass(batchSize, events, elapsed, projection.ApplyTime, projection.Batches);
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    /// <summary>
    /// The live generation and its applied count. Read straight from the daemon's tables, not through
    /// <see cref="ProjectionAdmin.StatusAsync(string, CancellationToken)"/>: status counts the events behind
    /// each checkpoint, a scan of up to the whole log per call, which polled every 20 ms would slow the
    /// very thing measured.
    /// </summary>
    private static async Task<(int Live, long Applied)> LiveProgressAsync(NpgsqlDataSource dataSource, string name, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT p.live_generation, g.events_applied
              FROM es.projections p JOIN es.projection_progress g ON g.projection = p.name AND g.generation = p.live_generation
             WHERE p.name = @name
            """);
        command.Parameters.AddWithValue("name", name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt32(0), reader.GetInt64(1));
    }

    /// <summary>What an operator would see, on stderr, with what asking cost.</summary>
    private static async Task PrintProgressAsync(ProjectionAdmin admin, string name, CancellationToken ct)
    {
        var asked = Stopwatch.GetTimestamp();
        var status = await admin.StatusAsync(name, ct);
        var cost = Stopwatch.GetElapsedTime(asked).TotalMilliseconds;
        Console.Error.WriteLine(status.Rebuild is { } r
            ? string.Create(CultureInfo.InvariantCulture,
                $"  [{status.State}] generation {r.Generation}: {r.Done:N0}/{r.Total:N0} ({100.0 * r.Done / Math.Max(1, r.Total):0}%), " +
                $"{r.EventsPerSecond:N0} ev/s, ETA {(r.EtaSeconds is { } eta ? $"{eta:0} s" : "?")}  (status took {cost:0} ms)")
            : string.Create(CultureInfo.InvariantCulture,
                $"  [{status.State}] generation {status.Generation}: {status.EventsBehind:N0} events behind, " +
                $"{status.SecondsBehind:0} s behind  (status took {cost:0} ms)"));
    }

    /// <summary>
    /// The floor: the same order and columns the daemon reads, keyset-paged in <paramref name="pageSize"/>
    /// pages, one autocommitted query per page on a pooled connection; values are read, JSON is not parsed.
    /// No horizon condition: that is part of what the store pays for being gap-free.
    /// </summary>
    private static async Task<Pass> PlainReadAsync(NpgsqlDataSource dataSource, int pageSize, long expected, CancellationToken ct)
    {
        const string sql = """
            SELECT position, tx_id, stream_id, version, type, schema_version, data, metadata, created_at
              FROM es.events
             WHERE (tx_id, position) > (@tx, @position)
             ORDER BY tx_id, position
             LIMIT @limit
            """;
        var start = Stopwatch.GetTimestamp();
        (ulong Tx, long Position) after = (0, 0);
        long read = 0, bytes = 0, pages = 0;
        while (true)
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<ulong>("tx", NpgsqlDbType.Xid8) { TypedValue = after.Tx });
            command.Parameters.Add(new NpgsqlParameter<long>("position", after.Position));
            command.Parameters.Add(new NpgsqlParameter<int>("limit", pageSize));
            var inPage = 0;
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var position = reader.GetInt64(0);
                    var tx = reader.GetFieldValue<ulong>(1);
                    _ = reader.GetString(2);
                    _ = reader.GetInt64(3);
                    _ = reader.GetString(4);
                    _ = reader.GetInt32(5);
                    bytes += reader.GetString(6).Length + reader.GetString(7).Length;
                    _ = reader.GetFieldValue<DateTimeOffset>(8);
                    after = (tx, position);
                    inPage++;
                }
            }
            read += inPage;
            pages++;
            if (inPage < pageSize) break;
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (read != expected) throw new InvalidOperationException($"the plain read found {read} events, {expected} were loaded");
        GC.KeepAlive(bytes);
        return new Pass(pageSize, read, elapsed, TimeSpan.Zero, pages);
    }

    /// <summary>The daemon's read path alone: the public gap-free read, page after page, nothing applied.</summary>
    private static async Task<Pass> StoreReadAsync(PostgresEventStore store, int pageSize, long expected, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var after = LogPosition.Start;
        long read = 0, pages = 0;
        while (true)
        {
            var page = await store.ReadAllAsync(after, pageSize, ct);
            read += page.Events.Count;
            pages++;
            after = page.Next;
            if (page.Events.Count < pageSize) break;
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (read != expected) throw new InvalidOperationException($"the store read found {read} events, {expected} were loaded");
        return new Pass(pageSize, read, elapsed, TimeSpan.Zero, pages);
    }

    /// <summary>Appends every stream's events in rounds of <paramref name="appendSize"/>; each loader owns every n-th stream.</summary>
    /// <remarks>
    /// The loading store has no <see cref="CommitSignal"/>: nothing listens yet, and each signalled
    /// append costs a NOTIFY, a transaction of its own with a WAL flush (about a fifth of the load rate
    /// in a measurement here).
    /// </remarks>
    private static async Task<TimeSpan> LoadAsync(PostgresEventStore store, long events, int streams, int loaders, int appendSize,
        CancellationToken ct)
    {
        var streamIds = Enumerable.Range(0, streams).Select(_ => Guid.NewGuid()).ToArray();
        long loaded = 0;
        var start = Stopwatch.GetTimestamp();
        var statuses = new[] { "starting", "running", "stopping", "stopped" };

        var work = Enumerable.Range(0, loaders).Select(loader => Task.Run(async () =>
        {
            var mine = Enumerable.Range(0, streams).Where(i => i % loaders == loader).ToArray();
            // Stream i gets events / streams events, plus one of the remainder when i < events % streams.
            var remaining = mine.Select(i => events / streams + (i < events % streams ? 1 : 0)).ToArray();
            var metadata = new EventMetadata(User: "svc-agent", CorrelationId: Guid.NewGuid().ToString(), ClientIp: "10.20.30.40");
            for (var left = true; left;)
            {
                left = false;
                for (var k = 0; k < mine.Length; k++)
                {
                    if (remaining[k] == 0) continue;
                    var n = (int)Math.Min(appendSize, remaining[k]);
                    var batch = new object[n];
                    for (var e = 0; e < n; e++)
                        batch[e] = new ContainerStatusChanged(streamIds[mine[k]], "node-eu-west-07",
                            statuses[e % 4], statuses[(e + 1) % 4], DateTimeOffset.UtcNow);
                    await store.AppendAsync(streamIds[mine[k]].ToString(), ExpectedVersion.Any, batch, metadata, ct);
                    remaining[k] -= n;
                    Interlocked.Add(ref loaded, n);
                    left |= remaining[k] > 0;
                }
            }
        }, ct)).ToArray();

        var all = Task.WhenAll(work);
        while (await Task.WhenAny(all, Task.Delay(ProgressEvery, ct)) != all)
        {
            var done = Interlocked.Read(ref loaded);
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  loading: {done:N0}/{events:N0} ({done / seconds:N0} ev/s, ETA {(events - done) / Math.Max(1, done / seconds):0} s)"));
        }
        await all;
        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>
    /// VACUUM so no pass sets hint bits or meets autovacuum, CHECKPOINT so none competes with the load's
    /// dirty pages being written out (the first read after the load ran at half speed without it).
    /// </summary>
    private static async Task SettleAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using (var vacuum = dataSource.CreateCommand("VACUUM (ANALYZE) es.events"))
        {
            vacuum.CommandTimeout = 0;
            await vacuum.ExecuteNonQueryAsync(ct);
        }
        try
        {
            await using var checkpoint = dataSource.CreateCommand("CHECKPOINT");
            checkpoint.CommandTimeout = 0;
            await checkpoint.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            Console.Error.WriteLine("CHECKPOINT not permitted for this user; the first read may pay for the load's writes");
        }
    }

    private static async Task<string> TableSizeAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT pg_size_pretty(pg_table_size('es.events')) || ' table, ' || pg_size_pretty(pg_indexes_size('es.events')) || ' indexes'");
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    private static void PrintTables(Pass firstBuild, Dictionary<int, Pass> rebuilds, Dictionary<int, Pass> storeReads,
        Dictionary<int, List<Pass>> reads, int[] batches)
    {
        Console.WriteLine("pass                      batch     events  seconds       ev/s  in ApplyAsync  batches");
        Console.WriteLine(new string('-', 86));
        foreach (var batch in batches) Row(reads[batch][0], "plain ordered read #1");
        Row(firstBuild, "first build g1, no swap");
        foreach (var batch in batches) Row(rebuilds[batch], "rebuild → swapped live");
        foreach (var batch in batches) Row(storeReads[batch], "store.ReadAllAsync only");
        foreach (var batch in batches) Row(reads[batch][1], "plain ordered read #2");
        Console.WriteLine();
        Console.WriteLine("'in ApplyAsync' is the projection's fold + upsert; the rest of a daemon pass is reading, deserialising,");
        Console.WriteLine("the checkpoint fence/advance and the commit. 'batches' counts pages for the reads.");
        Console.WriteLine();

        const string header = "batch |  rebuild ev/s | plain read ev/s (best of 2) | rebuild/read";
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        foreach (var batch in batches)
        {
            var read = reads[batch].Max(r => r.EventsPerSecond);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{batch,5} | {rebuilds[batch].EventsPerSecond,13:N0} | {read,27:N0} | {rebuilds[batch].EventsPerSecond / read,11:0.00}x"));
        }
        Console.WriteLine();

        static void Row(Pass p, string label) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label,-24} {p.Batch,6} {p.Events,10:N0} {p.Elapsed.TotalSeconds,8:0.00} {p.EventsPerSecond,10:N0} " +
            $"{(p.ApplyTime > TimeSpan.Zero ? $"{p.ApplyTime.TotalSeconds:0.00} s" : "-"),13} {p.Batches,8:N0}"));
    }

    private static int[] BatchSizes(string[] args)
    {
        var i = Array.IndexOf(args, "--batches");
        if (i < 0) return [new DaemonOptions().RebuildBatchSize, new DaemonOptions().BatchSize];
        var sizes = args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parsed = sizes.Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : 0).ToArray();
        if (parsed.Length == 0 || parsed.Contains(0) || parsed.Distinct().Count() != parsed.Length)
            throw new UsageException($"--batches takes distinct whole numbers >= 1 separated by commas, not '{args[i + 1]}'");
        return parsed;
    }

    /// <param name="Batches">Batches the projection applied (daemon passes) or pages read (plain read).</param>
    private sealed record Pass(int Batch, long Events, TimeSpan Elapsed, TimeSpan ApplyTime, long Batches)
    {
        public double EventsPerSecond => Events / Elapsed.TotalSeconds;
    }
}
