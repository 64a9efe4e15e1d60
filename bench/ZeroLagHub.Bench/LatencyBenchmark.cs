using System.Diagnostics;
using System.Globalization;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using ZeroLagHub.Api.ReadModels;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Bench.Polling;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.Events;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Bench;

/// <summary>
/// How long an event takes from its append committing to showing in the container status read model,
/// run by Marten's async daemon as the API registers it (HotCold, LISTEN/NOTIFY, gap-safe), with appends
/// arriving at a steady rate; the floor is the same run's round trip of a bare <c>SELECT 1</c> on the same pool.
/// </summary>
/// <remarks>
/// How "visible" is measured. The engine commits a batch's rows and its checkpoint after
/// <c>ApplyAsync</c> returns, so a timestamp taken inside the projection would be before commit and
/// flatter us. Instead one poller reads the read model the way a reader does (the view over the live
/// generation) while samples are outstanding, and a sample (container, sequence) counts as visible once
/// its row has <c>position ≥ sequence</c>: the daemon applies events in sequence order, so that row
/// proves the event was applied and committed. The clock stops when that poll's result
/// arrives, so a figure overstates by at most one poll (its round trip plus a 1 ms pause, both printed)
/// and never understates. It starts when <c>AppendAsync</c> returned, i.e. just after the commit.
/// NOTE: appends are fired on schedule without waiting for the previous one (open loop), as independent
/// API requests would; a slow append then shows in the figures instead of quietly lowering the rate.
/// </remarks>
internal static class LatencyBenchmark
{
    public const string Usage =
        "  latency [--rate N] [--seconds N] [--warmup N] [--streams N] [" + WakeupModeOption.Help + "]   append commit → projection visible at a steady rate, vs SELECT 1";

    private const double TargetP99Ms = 250;
    private static readonly TimeSpan PollPause = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var options = Options.Parse(args, "--rate", "--seconds", "--warmup", "--streams", WakeupModeOption.Name);
        var rate = options.Count("--rate", 200, min: 1);
        var duration = options.Seconds("--seconds", fallback: 30, min: 1);
        var warmup = options.Seconds("--warmup", fallback: 2, min: 0);
        var streams = options.Count("--streams", 100, min: 1);
        var wakeup = WakeupModeOption.Parse(options);
        if (wakeup == WakeupMode.None) throw new UsageException("latency needs a wake-up: coalesced or per-append");

        await using var db = await BenchDatabase.CreateAsync(maxPoolSize: 64, ct);
        var builder = StatusProjectionHost.CreateBuilder(db);
        if (wakeup == WakeupMode.PerAppend)
        {
            // The API before issue 18's fix: Marten's NOTIFY in every append transaction (Marten then installs its
            // own LISTEN wake-up), and neither the session listener nor the store's AfterCommit notifying.
            builder.Services.ConfigureMarten(opts =>
            {
                opts.Events.UseListenNotifyForEventAppends = true;
                opts.Listeners.RemoveAll(listener => listener is AppendNotifier);
            });
            builder.Services.Replace(ServiceDescriptor.Singleton(sp =>
                new MartenEventStore(sp.GetRequiredService<IDocumentStore>(), db.DataSource, MartenRegistration.Folds)));
        }
        using var host = builder.Build();
        await host.StartAsync(ct);
        var store = host.Services.GetRequiredService<IEventStore>();
        var admin = host.Services.GetRequiredService<ReadModelAdmin>();
        var projection = new ContainerStatusProjection();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency benchmark: {rate} appends/s of 1 event over {streams} containers for {duration.TotalSeconds:0.##} s " +
            $"(+{warmup.TotalSeconds:0.##} s warm-up), Marten's daemon as the API runs it (HotCold, LISTEN) into container_status; wake-up {wakeup}"));
        Console.WriteLine($"server: {await db.ShowAsync("server_version", ct)}, fsync={await db.ShowAsync("fsync", ct)}, " +
                          $"synchronous_commit={await db.ShowAsync("synchronous_commit", ct)} ({db.ServerOrigin}), database {db.Name}");
        Console.WriteLine();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var samples = new Samples();
        var poller = Task.Run(() => PollAsync(db.DataSource, samples, stop.Token), CancellationToken.None);
        try
        {
            var streamIds = Enumerable.Range(0, (int)streams).Select(_ => Guid.NewGuid()).ToArray();
            // Status rows exist for containers only: seed them as a deployment leaves them, then wait for the daemon.
            await BenchContainers.SeedAsync(store, streamIds, ct);
            while ((await admin.StatusAsync(projection.Name, ct)).EventsBehind > 0) await Task.Delay(10, ct);

            Console.Error.WriteLine("warming up ...");
            if (warmup > TimeSpan.Zero)
            {
                await Task.WhenAll(
                    AppendAtRateAsync(store, streamIds, rate, warmup, samples, measured: false, ct),
                    PingAtRateAsync(db.DataSource, rate, warmup, new LatencyRecorder(), ct));
            }

            Console.Error.WriteLine("measuring ...");
            samples.StartMeasuring();
            var pings = new LatencyRecorder();
            var appending = AppendAtRateAsync(store, streamIds, rate, duration, samples, measured: true, ct);
            await Task.WhenAll(appending, PingAtRateAsync(db.DataSource, rate, duration, pings, ct));
            var (appends, elapsed) = await appending;

            var drained = await samples.DrainedAsync(DrainTimeout, ct);
            var status = await admin.StatusAsync(projection.Name, ct);

            PrintTable(samples, pings, appends, elapsed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"projection after the run: {status.State}, {status.EventsBehind} events behind; " +
                $"{(drained ? "every sample seen" : $"{samples.Outstanding} samples NOT visible after {DrainTimeout.TotalSeconds:0} s")}"));
            var p99 = samples.Visible.PercentileMs(99);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"target: p99 append commit → projection visible < {TargetP99Ms} ms: {(drained && p99 < TargetP99Ms ? "PASS" : "FAIL")} (p99 {p99:0.0} ms)"));
            // A report, not a gate: a FAIL still exits 0.
            return 0;
        }
        finally
        {
            await stop.CancelAsync();
            await poller;
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Fires one single-event append every 1/rate s for <paramref name="duration"/>, each on its own
    /// task, and waits for all of them; returns how many were made and the time they took.
    /// </summary>
    private static async Task<(long Appends, TimeSpan Elapsed)> AppendAtRateAsync(IEventStore store, Guid[] streamIds,
        long rate, TimeSpan duration, Samples samples, bool measured, CancellationToken ct)
    {
        var metadata = new EventMetadata(User: "svc-agent", CorrelationId: Guid.NewGuid().ToString(), ClientIp: "10.20.30.40");
        var inFlight = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        var total = (long)(duration.TotalSeconds * rate);
        for (long i = 0; i < total; i++)
        {
            await WaitUntil(start + i * Stopwatch.Frequency / rate, ct);
            var containerId = streamIds[i % streamIds.Length];
            inFlight.Add(Task.Run(async () =>
            {
                var called = Stopwatch.GetTimestamp();
                // Each container alternates, so every event changes its status row (an unchanged row is not rewritten).
                object fact = i / streamIds.Length % 2 == 0 ? new AgentWentOffline(DateTimeOffset.UtcNow) : new AgentCameBack(StubIdentity.InstanceOf(containerId), DateTimeOffset.UtcNow);
                var result = await store.AppendAsync(Container.StreamId(containerId), ExpectedVersion.Any, [fact], metadata, ct);
                if (result.LastPosition <= 0) throw new InvalidOperationException("the append returned no sequence: visibility cannot be measured");
                samples.Committed(result.StreamId, result.LastPosition, called, measured);
            }, ct));
        }
        await Task.WhenAll(inFlight);
        return (total, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>A bare <c>SELECT 1</c> every 1/rate s on the same pool, one at a time.</summary>
    private static async Task PingAtRateAsync(NpgsqlDataSource dataSource, long rate, TimeSpan duration, LatencyRecorder pings,
        CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var total = (long)(duration.TotalSeconds * rate);
        for (long i = 0; i < total; i++)
        {
            await WaitUntil(start + i * Stopwatch.Frequency / rate, ct);
            var sent = Stopwatch.GetTimestamp();
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(ct);
            pings.RecordSince(sent);
        }
    }

    /// <summary>While samples are outstanding, reads the read model and retires every sample it shows.</summary>
    private static async Task PollAsync(NpgsqlDataSource dataSource, Samples samples, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await samples.WaitForOutstandingAsync(stop);
                var sent = Stopwatch.GetTimestamp();
                var versions = await StatusPositionsAsync(dataSource, stop);
                samples.Seen(versions, sent);
                await Task.Delay(PollPause, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Each container's status row position: the sequence of the last event applied to it.</summary>
    private static async Task<Dictionary<string, long>> StatusPositionsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT id::text, position FROM {ContainerStatusProjection.Table}");
        var positions = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) positions[reader.GetString(0)] = reader.GetInt64(1);
        return positions;
    }

    // Task.Delay is good to about a millisecond; the last stretch is spent yielding so sends stay on schedule.
    private static async Task WaitUntil(long timestamp, CancellationToken ct)
    {
        while (true)
        {
            var left = (timestamp - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
            if (left <= 0) return;
            if (left > 2) await Task.Delay(TimeSpan.FromMilliseconds(left - 1.5), ct);
            else await Task.Yield();
        }
    }

    private static void PrintTable(Samples samples, LatencyRecorder pings, long appends, TimeSpan elapsed)
    {
        const string header = "measure                                samples   p50 ms   p99 ms   max ms";
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        Row("append commit → projection visible", samples.Visible);
        Row("append call (AppendAsync)", samples.AppendCalls);
        Row("bare SELECT 1 round trip", pings);
        Row("visibility poll (read-model query)", samples.Polls);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{appends:N0} appends in {elapsed.TotalSeconds:0.00} s ({appends / elapsed.TotalSeconds:0.0}/s achieved); " +
            $"a visibility figure overstates by at most one poll round trip + {PollPause.TotalMilliseconds:0} ms pause"));

        static void Row(string name, LatencyRecorder r) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-38} {r.Count,8:N0} {r.PercentileMs(50),8:0.00} {r.PercentileMs(99),8:0.00} {r.PercentileMs(100),8:0.00}"));
    }

    /// <summary>
    /// Appends waiting to be seen in the read model, and the recorders. One lock guards it all: it is
    /// taken after each measured interval ends, never inside one.
    /// </summary>
    private sealed class Samples
    {
        private readonly Lock _lock = new();
        private readonly List<Sample> _outstanding = [];
        private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _measuring;

        public LatencyRecorder Visible { get; } = new();
        public LatencyRecorder AppendCalls { get; } = new();
        public LatencyRecorder Polls { get; } = new();

        /// <summary>From now on polls are recorded too (appends say for themselves whether they are measured).</summary>
        public void StartMeasuring() => _measuring = true;

        public int Outstanding
        {
            get { lock (_lock) return _outstanding.Count; }
        }

        /// <param name="called">When AppendAsync was called; it has just returned, so now is the commit time.</param>
        public void Committed(string streamId, long version, long called, bool measured)
        {
            var committed = Stopwatch.GetTimestamp();
            lock (_lock)
            {
                _outstanding.Add(new Sample(streamId, version, committed, measured));
                if (measured) AppendCalls.RecordSince(called);
                _added.TrySetResult();
            }
        }

        /// <summary>Retires the samples <paramref name="versions"/> shows; the poll was sent at <paramref name="sent"/>.</summary>
        public void Seen(Dictionary<string, long> versions, long sent)
        {
            var arrived = Stopwatch.GetTimestamp();
            if (_measuring) Polls.RecordSince(sent); // only the poller writes this one
            lock (_lock)
            {
                _outstanding.RemoveAll(s =>
                {
                    if (!versions.TryGetValue(s.StreamId, out var v) || v < s.Version) return false;
                    // RecordSince measures up to now: shifting the start by the time since the poll
                    // arrived records arrival − commit, so the time spent in this loop is not counted.
                    if (s.Measured) Visible.RecordSince(s.CommittedAt + (Stopwatch.GetTimestamp() - arrived));
                    return true;
                });
            }
        }

        public async Task WaitForOutstandingAsync(CancellationToken ct)
        {
            Task added;
            lock (_lock)
            {
                if (_outstanding.Count > 0) return;
                _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                added = _added.Task;
            }
            await added.WaitAsync(ct);
        }

        public async Task<bool> DrainedAsync(TimeSpan timeout, CancellationToken ct)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (Outstanding > 0 && Stopwatch.GetTimestamp() < deadline) await Task.Delay(10, ct);
            return Outstanding == 0;
        }

        private sealed record Sample(string StreamId, long Version, long CommittedAt, bool Measured);
    }
}
