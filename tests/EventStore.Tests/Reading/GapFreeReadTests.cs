using Npgsql;
using ZeroLagHub.EventStore.Appending;

namespace ZeroLagHub.EventStore.Tests.Reading;

/// <summary>
/// The global read never skips an event that commits late. These scenarios are the ones that made
/// Marten's position-based daemon skip events.
/// </summary>
public sealed class GapFreeReadTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    [Fact]
    public async Task EventInsertedFirstButCommittedAfterOneAlreadyReadIsStillDelivered()
    {
        var (a, b) = (TestEvents.NewStream(), TestEvents.NewStream());
        var reader = new LogReader(db.Store, a, b);
        await reader.CatchUp();

        await using var connB = await db.DataSource.OpenConnectionAsync();
        await using var txB = await connB.BeginTransactionAsync();
        await TakeTransactionId(txB);                       // B's transaction is older…

        await using var connA = await db.DataSource.OpenConnectionAsync();
        await using var txA = await connA.BeginTransactionAsync();
        var appendedA = await db.Store.AppendAsync(txA, a, ExpectedVersion.NoStream, [new Created("a")]);   // …but A inserts first
        var appendedB = await db.Store.AppendAsync(txB, b, ExpectedVersion.NoStream, [new Created("b")]);
        await txB.CommitAsync();
        Assert.True(appendedA.LastPosition < appendedB.LastPosition, "A took the lower position");

        // A position-only reader would now checkpoint past A's position and never see A.
        var first = await reader.CatchUp(count: 1);
        Assert.Equal([b], first.Select(e => e.StreamId));

        await txA.CommitAsync();
        var second = await reader.CatchUp(count: 1);
        Assert.Equal([a], second.Select(e => e.StreamId));
        Assert.Equal(appendedA.LastPosition, second[0].Position);
    }

    [Fact]
    public async Task OpenOlderTransactionHoldsNewerCommitsBackUntilItEnds()
    {
        var (a, b) = (TestEvents.NewStream(), TestEvents.NewStream());
        var reader = new LogReader(db.Store, a, b);

        await using var connA = await db.DataSource.OpenConnectionAsync();
        await using var txA = await connA.BeginTransactionAsync();
        await db.Store.AppendAsync(txA, a, ExpectedVersion.NoStream, [new Created("a")]);
        await db.Store.AppendAsync(b, ExpectedVersion.NoStream, [new Created("b")]);

        Assert.Empty(await reader.CatchUp());                // b is committed but behind the open transaction

        await txA.CommitAsync();
        Assert.Equal([a, b], (await reader.CatchUp(count: 2)).Select(e => e.StreamId));
        Assert.Empty(await reader.CatchUp());
    }

    [Fact]
    public async Task RolledBackTransactionLeavesNoEventAndReleasesTheReader()
    {
        var (a, b) = (TestEvents.NewStream(), TestEvents.NewStream());
        var reader = new LogReader(db.Store, a, b);

        await using (var connA = await db.DataSource.OpenConnectionAsync())
        await using (var txA = await connA.BeginTransactionAsync())
        {
            await db.Store.AppendAsync(txA, a, ExpectedVersion.NoStream, [new Created("a")]);
            await db.Store.AppendAsync(b, ExpectedVersion.NoStream, [new Created("b")]);
            await txA.RollbackAsync();
        }
        Assert.Equal([b], (await reader.CatchUp(count: 1)).Select(e => e.StreamId));
    }

    [Fact]
    public async Task AnOlderTransactionCannotAppendBehindANewerOneOnTheSameStream()
    {
        var stream = TestEvents.NewStream();
        await using var connOld = await db.DataSource.OpenConnectionAsync();
        await using var txOld = await connOld.BeginTransactionAsync();
        await TakeTransactionId(txOld);

        // A newer transaction writes the stream first and commits.
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [new Created("first")]);

        // Accepting the older one would put version 2 ahead of version 1 in the log's order.
        var error = await Assert.ThrowsAsync<PostgresException>(
            () => db.Store.AppendAsync(txOld, stream, ExpectedVersion.Exactly(1), [new Renamed("second")]));
        Assert.Equal(PostgresErrorCodes.SerializationFailure, error.SqlState);
        Assert.True(error.IsTransient);
        await txOld.RollbackAsync();

        // A retry in a new transaction goes through, and the log order matches the stream's.
        await db.Store.AppendAsync(stream, ExpectedVersion.Exactly(1), [new Renamed("second")]);
        var inLog = await new LogReader(db.Store, stream).CatchUp(count: 2);
        Assert.Equal([1L, 2L], inLog.Select(e => e.Version));
    }

    private static async Task TakeTransactionId(NpgsqlTransaction tx)
    {
        await using var command = new NpgsqlCommand("SELECT pg_current_xact_id()", tx.Connection, tx);
        await command.ExecuteScalarAsync();
    }
}
