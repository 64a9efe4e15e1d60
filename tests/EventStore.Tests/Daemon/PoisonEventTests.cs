using ZeroLagHub.EventStore.Appending;

namespace ZeroLagHub.EventStore.Tests.Daemon;

/// <summary>A database of its own: the poison stays in the log for every projection that reads it.</summary>
public sealed class PoisonEventTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    private static string NewName() => "p_" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task APoisonEventFaultsTheProjectionAtItsPositionUntilAnOperatorRetriesOrSkips()
    {
        var projection = new StreamSummaryProjection(NewName());
        var broken = true;
        projection.BeforeWrite = (events, _) => broken && events.Any(e => e.Data is Counted { N: -13 })
            ? throw new InvalidOperationException("cannot apply -13") : Task.CompletedTask;
        await using var harness = new DaemonHarness(db, projection);

        var stream = TestEvents.NewStream();
        await harness.Store.AppendAsync(stream, ExpectedVersion.NoStream,
            [new Counted(10), new Counted(11), new Counted(12), new Counted(-13), new Counted(14), new Counted(15)]);

        Assert.True(await DaemonHarness.Eventually(async () => (await harness.Admin.StatusAsync(projection.Name)).State == "faulted"));
        var status = await harness.Admin.StatusAsync(projection.Name);
        Assert.Equal(stream, status.Fault!.Event.StreamId);
        Assert.Equal(4, status.Fault.Event.Version);
        Assert.Contains("cannot apply -13", status.Fault.Error);
        Assert.Equal((3L, 3L, 10L + 11 + 12), (await projection.RowsAsync(db.DataSource))[stream]);

        // The fix is deployed; the operator retries and it carries on from the failed event.
        broken = false;
        Assert.True(await harness.Admin.RetryAsync(projection.Name, "ops@zlh"));
        Assert.True(await DaemonHarness.Eventually(async () => (await projection.RowsAsync(db.DataSource))[stream].Events == 6));

        // A second poison, skipped this time: the skip is recorded with the event and the reason.
        broken = true;
        await harness.Store.AppendAsync(stream, ExpectedVersion.Exactly(6), [new Counted(-13), new Counted(100)]);
        Assert.True(await DaemonHarness.Eventually(async () => (await harness.Admin.StatusAsync(projection.Name)).State == "faulted"));
        var skipped = await harness.Admin.SkipAsync(projection.Name, "ops@zlh", "bad data from an old agent");
        Assert.Equal(7, skipped!.Version);
        Assert.True(await DaemonHarness.Eventually(async () => (await projection.RowsAsync(db.DataSource))[stream].Last == 8));
        Assert.Equal(7L, (await projection.RowsAsync(db.DataSource))[stream].Events);

        var operations = await db.ScalarAsync(
            $"SELECT string_agg(action || ':' || operator || ':' || coalesce(reason, ''), '|' ORDER BY id) FROM es.projection_operations WHERE projection = '{projection.Name}'");
        Assert.Equal($"retry:ops@zlh:|skip:ops@zlh:bad data from an old agent (skipped test.counted at {stream}@7)", operations);
    }
}
