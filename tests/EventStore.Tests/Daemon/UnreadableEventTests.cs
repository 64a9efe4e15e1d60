using ZeroLagHub.EventStore.Appending;

namespace ZeroLagHub.EventStore.Tests.Daemon;

/// <summary>A database of its own: the unreadable event stays in the log for every projection that reads it.</summary>
public sealed class UnreadableEventTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    private static string NewName() => "p_" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task AnEventThisBuildCannotReadFaultsTheProjectionInsteadOfBeingSkipped()
    {
        var projection = new StreamSummaryProjection(NewName());
        await using var harness = new DaemonHarness(db, projection);
        var stream = TestEvents.NewStream();
        // Written as if by a newer build, in one transaction so the daemon never sees it otherwise.
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await harness.Store.AppendAsync(tx, stream, ExpectedVersion.NoStream, [new Counted(1), new Counted(2)]);
            await using var retype = new Npgsql.NpgsqlCommand(
                $"UPDATE es.events SET type = 'test.from-the-future' WHERE stream_id = '{stream}' AND version = 2", connection, tx);
            await retype.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }

        Assert.True(await DaemonHarness.Eventually(async () => (await harness.Admin.StatusAsync(projection.Name)).State == "faulted"));
        var status = await harness.Admin.StatusAsync(projection.Name);
        Assert.Equal(2, status.Fault!.Event.Version);
        Assert.Contains("test.from-the-future", status.Fault.Error);
        Assert.Equal(1L, (await projection.RowsAsync(db.DataSource))[stream].Events);
    }
}
