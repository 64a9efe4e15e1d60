using System.Diagnostics;
using Npgsql;
using ZeroLagHub.EventStore.Appending;

namespace ZeroLagHub.EventStore.Tests.Daemon;

public sealed class AsyncDaemonTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    private static string NewName() => "p_" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task TheDaemonBuildsTheReadModelAndReportsNoLag()
    {
        var projection = new StreamSummaryProjection(NewName());
        await using var harness = new DaemonHarness(db, projection);
        var streams = await AppendMany(harness.Store, streams: 20, eventsEach: 15);

        Assert.True(await DaemonHarness.Eventually(async () => Complete(await projection.RowsAsync(db.DataSource), streams, 15)));
        var status = await harness.Admin.StatusAsync(projection.Name);
        Assert.Equal("running", status.State);
        Assert.Equal(0, status.EventsBehind);
        Assert.NotNull(status.LeaderPid);
    }

    [Fact]
    public async Task AProjectionStoppedMidBatchResumesWithNoLostAndNoDoubledEffect()
    {
        var projection = new StreamSummaryProjection(NewName());
        var crashed = new TaskCompletionSource();
        var batches = 0;
        // The third batch writes its rows, then the process "dies" before the commit.
        projection.AfterWrite = async ct =>
        {
            if (Interlocked.Increment(ref batches) != 3) return;
            crashed.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };
        var first = new DaemonHarness(db, projection);
        var streams = await AppendMany(first.Store, streams: 10, eventsEach: 40);
        await crashed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await first.DisposeAsync();
        projection.AfterWrite = null;
        var partial = await projection.RowsAsync(db.DataSource);
        Assert.True(streams.Sum(s => partial.GetValueOrDefault(s).Events) < 400, "the crash happened before the end");
        Assert.All(partial.Values, r => Assert.Equal(r.Last, r.Events));

        await using var second = new DaemonHarness(db, projection);
        var done = await DaemonHarness.Eventually(async () => Complete(await projection.RowsAsync(db.DataSource), streams, 40));
        Assert.True(done);
        var rows = await projection.RowsAsync(db.DataSource);
        Assert.All(streams, s => Assert.Equal((40L, 40L, Enumerable.Range(0, 40).Sum()), rows[s]));
    }

    [Fact]
    public async Task TwoDaemonsApplyEachEventOnceAndTheOneThatLosesItsConnectionStops()
    {
        var projection = new StreamSummaryProjection(NewName());
        await using var a = new DaemonHarness(db, projection);
        await using var b = new DaemonHarness(db, projection);
        var streams = await AppendMany(a.Store, streams: 8, eventsEach: 30);
        Assert.True(await DaemonHarness.Eventually(async () => Complete(await projection.RowsAsync(db.DataSource), streams, 30)));
        Assert.True(await DaemonHarness.Eventually(() => Task.FromResult(a.Daemon.Leading.Count + b.Daemon.Leading.Count == 1)));

        var leader = a.Daemon.Leading.Count == 1 ? a : b;
        var lost = leader.Daemon.LeaderBackendPid(projection.Name);
        await Terminate(lost);

        // It stops leading on that connection at once; then either node may win the lock again, but only one.
        Assert.True(await DaemonHarness.Eventually(() => Task.FromResult(leader.Daemon.LeaderBackendPid(projection.Name) != lost), seconds: 5),
            "the node that lost its lock connection stops leading");
        Assert.True(await DaemonHarness.Eventually(() => Task.FromResult(a.Daemon.Leading.Count + b.Daemon.Leading.Count == 1)));
        var more = await AppendMany(a.Store, streams: 8, eventsEach: 30);
        Assert.True(await DaemonHarness.Eventually(async () => Complete(await projection.RowsAsync(db.DataSource), more, 30)));
        var rows = await projection.RowsAsync(db.DataSource);
        Assert.All(streams.Concat(more), s => Assert.Equal(30L, rows[s].Events));
    }

    [Fact]
    public async Task ATransactionHeldOpenShowsAsHeldBackAndTheProjectionCatchesUpSoonAfterItEnds()
    {
        var projection = new StreamSummaryProjection(NewName());
        await using var harness = new DaemonHarness(db, projection);
        var (late, early) = (TestEvents.NewStream(), TestEvents.NewStream());

        await using var connection = await db.DataSource.OpenConnectionAsync();
        var tx = await connection.BeginTransactionAsync();
        await harness.Store.AppendAsync(tx, late, ExpectedVersion.NoStream, [new Counted(1)]);
        await harness.Store.AppendAsync(early, ExpectedVersion.NoStream, [new Counted(2)]);

        // The horizon is cluster-wide and other test classes open short transactions too: ours is the
        // one named once it is the oldest.
        Assert.True(await DaemonHarness.Eventually(async () =>
            await harness.Admin.StatusAsync(projection.Name) is { State: "held back", HeldBackBy.Pid: var pid } && pid == connection.ProcessID));
        Assert.False((await projection.RowsAsync(db.DataSource)).ContainsKey(early));

        await tx.CommitAsync();
        harness.Store.AfterCommit();
        var clock = Stopwatch.StartNew();
        Assert.True(await DaemonHarness.Eventually(async () =>
        {
            var rows = await projection.RowsAsync(db.DataSource);
            return rows.ContainsKey(late) && rows.ContainsKey(early);
        }, seconds: 5));
        // Figures are for bench/; this bound only says "woken, not left asleep" on a noisy machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"caught up after {clock.Elapsed}");
        Assert.Equal("running", (await harness.Admin.StatusAsync(projection.Name)).State);
    }

    [Fact]
    public async Task ATransientDatabaseErrorMakesTheLeaderStepDownNotFaultTheProjection()
    {
        var projection = new StreamSummaryProjection(NewName());
        var failures = 0;
        // Too many connections, for longer than every retry of one pass: an outage, not a poison event.
        projection.BeforeWrite = (_, _) => Interlocked.Increment(ref failures) <= 8
            ? throw new PostgresException("sorry, too many clients already", "FATAL", "FATAL", PostgresErrorCodes.TooManyConnections)
            : Task.CompletedTask;
        await using var harness = new DaemonHarness(db, projection);
        var streams = await AppendMany(harness.Store, streams: 2, eventsEach: 5);

        Assert.True(await DaemonHarness.Eventually(async () => Complete(await projection.RowsAsync(db.DataSource), streams, 5)));
        Assert.True(failures > 8);
        Assert.Equal("running", (await harness.Admin.StatusAsync(projection.Name)).State);
        Assert.Equal(0L, await db.ScalarAsync($"SELECT count(*) FROM es.projection_progress WHERE projection = '{projection.Name}' AND fault IS NOT NULL"));
    }

    internal static async Task<List<string>> AppendMany(IEventStore store, int streams, int eventsEach)
    {
        var ids = Enumerable.Range(0, streams).Select(_ => TestEvents.NewStream()).ToList();
        await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            for (var i = 0; i < eventsEach; i++) await store.AppendAsync(id, ExpectedVersion.Any, [new Counted(i)]);
        })));
        return ids;
    }

    internal static bool Complete(Dictionary<string, (long Events, long Last, long Total)> rows, IEnumerable<string> streams, long each) =>
        streams.All(s => rows.TryGetValue(s, out var r) && r.Events == each);

    private async Task Terminate(int pid)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT pg_terminate_backend({pid})", connection);
        Assert.Equal(true, await command.ExecuteScalarAsync());
    }
}
