using ZeroLagHub.EventStore.Appending;
using ZeroLagHub.EventStore.Projections;

namespace ZeroLagHub.EventStore.Tests.Daemon;

public sealed class RebuildTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    private static string NewName() => "r_" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task ARebuildWhileAppendsContinueEqualsTheIncrementalBuildRowForRow()
    {
        var incremental = new StreamSummaryProjection(NewName());
        var rebuilt = new StreamSummaryProjection(NewName());
        await using var harness = new DaemonHarness(db, incremental, rebuilt);
        var streams = await AsyncDaemonTests.AppendMany(harness.Store, streams: 40, eventsEach: 50);   // 2,000 events
        Assert.True(await DaemonHarness.Eventually(async () => AsyncDaemonTests.Complete(await rebuilt.RowsAsync(db.DataSource), streams, 50)));

        var generation = await harness.Admin.RebuildAsync(rebuilt.Name, "ops@zlh");
        Assert.Equal(2, generation);
        Assert.Equal(2, await harness.Admin.RebuildAsync(rebuilt.Name, "ops@zlh"));   // already running: same one

        var more = await AsyncDaemonTests.AppendMany(harness.Store, streams: 40, eventsEach: 25);   // 1,000 more, mixed in
        Assert.True(await DaemonHarness.Eventually(async () => (await harness.Admin.StatusAsync(rebuilt.Name)).Generation == 2));
        Assert.True(await DaemonHarness.Eventually(async () =>
            AsyncDaemonTests.Complete(await rebuilt.RowsAsync(db.DataSource), more, 25) &&
            AsyncDaemonTests.Complete(await incremental.RowsAsync(db.DataSource), more, 25)));

        Assert.Equal(await incremental.RowsAsync(db.DataSource), await rebuilt.RowsAsync(db.DataSource));
        Assert.Equal(true, await db.ScalarAsync($"SELECT to_regclass('{rebuilt.TableName}_g1') IS NULL"));
        var status = await harness.Admin.StatusAsync(rebuilt.Name);
        Assert.Equal("running", status.State);
        Assert.Null(status.Rebuild);
    }

    [Fact]
    public async Task RebuildProgressShowsDoneAndTotal()
    {
        var projection = new StreamSummaryProjection(NewName());
        var gate = new TaskCompletionSource();
        await using var harness = new DaemonHarness(db, projection);
        var streams = await AsyncDaemonTests.AppendMany(harness.Store, streams: 5, eventsEach: 60);
        Assert.True(await DaemonHarness.Eventually(async () => AsyncDaemonTests.Complete(await projection.RowsAsync(db.DataSource), streams, 60)));

        // Hold the rebuild after its first batch so progress can be seen mid-way.
        var batches = 0;
        projection.BeforeWrite = async (_, ct) => { if (Interlocked.Increment(ref batches) > 1) await gate.Task.WaitAsync(ct); };
        await harness.Admin.RebuildAsync(projection.Name, "ops@zlh");
        Assert.True(await DaemonHarness.Eventually(async () => (await harness.Admin.StatusAsync(projection.Name)).Rebuild?.Done > 0));
        var status = await harness.Admin.StatusAsync(projection.Name);
        Assert.Equal("rebuilding", status.State);
        Assert.True(status.Rebuild!.Total >= 300, $"total {status.Rebuild.Total}");
        Assert.True(status.Rebuild.Done < status.Rebuild.Total);
        Assert.True(status.Rebuild.EventsPerSecond > 0);
        var live = await projection.RowsAsync(db.DataSource);
        Assert.Equal(300, streams.Sum(s => live[s].Events));   // readers still see the live generation

        gate.SetResult();
        Assert.True(await DaemonHarness.Eventually(async () => (await harness.Admin.StatusAsync(projection.Name)).Generation == 2));
        Assert.True(AsyncDaemonTests.Complete(await projection.RowsAsync(db.DataSource), streams, 60));
    }

    [Fact]
    public async Task RebuildingOneStreamRepairsItsRows()
    {
        var projection = new StreamSummaryProjection(NewName());
        await using var harness = new DaemonHarness(db, projection);
        var streams = await AsyncDaemonTests.AppendMany(harness.Store, streams: 3, eventsEach: 10);
        Assert.True(await DaemonHarness.Eventually(async () => AsyncDaemonTests.Complete(await projection.RowsAsync(db.DataSource), streams, 10)));

        await db.ScalarAsync($"UPDATE {projection.TableName} SET events = 999, total = -1 WHERE stream_id = '{streams[0]}'");
        await harness.Admin.RebuildStreamAsync(projection.Name, streams[0], "ops@zlh");

        var rows = await projection.RowsAsync(db.DataSource);
        Assert.Equal((10L, 10L, 45L), rows[streams[0]]);
        Assert.Equal((10L, 10L, 45L), rows[streams[1]]);
    }

    [Fact]
    public async Task AnInlineProjectionCommitsWithTheAppendAndRollsBackWithIt()
    {
        var projection = new StreamSummaryProjection(NewName(), ProjectionLifecycle.Inline);
        await using var harness = new DaemonHarness(db, projection);
        var stream = TestEvents.NewStream();

        await harness.Store.AppendAsync(stream, ExpectedVersion.NoStream, [new Counted(5), new Counted(6)]);
        Assert.Equal((2L, 2L, 11L), (await projection.RowsAsync(db.DataSource))[stream]);   // no waiting: same transaction

        await using (var connection = await db.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await harness.Store.AppendAsync(tx, stream, ExpectedVersion.Exactly(2), [new Counted(100)]);
            await tx.RollbackAsync();
        }
        Assert.Equal((2L, 2L, 11L), (await projection.RowsAsync(db.DataSource))[stream]);

        // A failing inline projection fails the append: no event without its read model.
        projection.BeforeWrite = (_, _) => throw new InvalidOperationException("broken read model");
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Store.AppendAsync(stream, ExpectedVersion.Exactly(2), [new Counted(1)]));
        Assert.Equal(2, await harness.Store.ReadStreamAsync(stream).CountAsync());
    }

    [Fact]
    public async Task AnInlineProjectionRebuildsBesideTheLiveOneAndSwapsWithoutLosingAppends()
    {
        var projection = new StreamSummaryProjection(NewName(), ProjectionLifecycle.Inline);
        await using var harness = new DaemonHarness(db, projection);
        var streams = await AsyncDaemonTests.AppendMany(harness.Store, streams: 10, eventsEach: 30);
        await db.ScalarAsync($"UPDATE {projection.TableName} SET total = -7 WHERE stream_id = '{streams[0]}'");   // damage to repair

        await harness.Admin.RebuildAsync(projection.Name, "ops@zlh");
        var during = AsyncDaemonTests.AppendMany(harness.Store, streams: 10, eventsEach: 30);
        Assert.True(await DaemonHarness.Eventually(async () => (await harness.Admin.StatusAsync(projection.Name)).Generation == 2));
        var more = await during;

        var rows = await projection.RowsAsync(db.DataSource);
        Assert.All(streams.Concat(more), s => Assert.Equal((30L, 30L, 435L), rows[s]));
    }
}
