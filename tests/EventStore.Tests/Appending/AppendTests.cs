using ZeroLagHub.EventStore.Appending;

namespace ZeroLagHub.EventStore.Tests.Appending;

public sealed class AppendTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    [Fact]
    public async Task AppendToNewStreamStartsAtVersionOneAndReturnsTheLastPosition()
    {
        var stream = TestEvents.NewStream();
        var result = await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [new Created("a"), new Renamed("b")]);

        Assert.Equal(2, result.Version);
        var events = await db.Store.ReadStreamAsync(stream).ToListAsync();
        Assert.Equal([1L, 2L], events.Select(e => e.Version));
        Assert.Equal(result.LastPosition, events[^1].Position);
        Assert.Equal(new Renamed("b"), events[1].Data);
        Assert.Equal("test.renamed", events[1].Type);
    }

    [Fact]
    public async Task ExactExpectedVersionAppendsAfterIt()
    {
        var stream = TestEvents.NewStream();
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [new Created("a")]);
        var result = await db.Store.AppendAsync(stream, ExpectedVersion.Exactly(1), [new Renamed("b")]);
        Assert.Equal(2, result.Version);
    }

    [Fact]
    public async Task WrongExpectedVersionFailsWithTheActualVersionAndWritesNothing()
    {
        var stream = TestEvents.NewStream();
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [new Created("a"), new Renamed("b")]);

        var error = await Assert.ThrowsAsync<ConcurrencyException>(
            () => db.Store.AppendAsync(stream, ExpectedVersion.Exactly(1), [new Renamed("lost")]));
        Assert.Equal(2, error.ActualVersion);
        Assert.Equal(stream, error.StreamId);

        var again = await Assert.ThrowsAsync<ConcurrencyException>(
            () => db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [new Created("dup")]));
        Assert.Equal(2, again.ActualVersion);

        Assert.Equal(2, await db.Store.ReadStreamAsync(stream).CountAsync());
    }

    [Fact]
    public async Task ExpectingAVersionOfAMissingStreamFailsAndCreatesNoStream()
    {
        var stream = TestEvents.NewStream();
        var error = await Assert.ThrowsAsync<ConcurrencyException>(
            () => db.Store.AppendAsync(stream, ExpectedVersion.Exactly(3), [new Created("a")]));
        Assert.Equal(0, error.ActualVersion);
        Assert.Equal(0L, await db.ScalarAsync($"SELECT count(*) FROM es.streams WHERE stream_id = '{stream}'"));
    }

    [Fact]
    public async Task TwoWritersWithTheSameExpectedVersionOneWinsTheOtherSeesTheWinnersVersion()
    {
        for (var round = 0; round < 20; round++)
        {
            var stream = TestEvents.NewStream();
            await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [new Created("a")]);

            var attempts = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
            {
                try { return (object)await db.Store.AppendAsync(stream, ExpectedVersion.Exactly(1), [new Counted(i), new Counted(i)]); }
                catch (ConcurrencyException e) { return e; }
            })));

            var winner = Assert.Single(attempts.OfType<AppendResult>());
            var loser = Assert.Single(attempts.OfType<ConcurrencyException>());
            Assert.Equal(3, winner.Version);
            Assert.Equal(3, loser.ActualVersion);
            Assert.Equal(3, await db.Store.ReadStreamAsync(stream).CountAsync());
        }
    }

    [Fact]
    public async Task TwoWritersCreatingTheSameStreamOneWins()
    {
        var stream = TestEvents.NewStream();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
        {
            try { return (object)await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [new Counted(i)]); }
            catch (ConcurrencyException e) { return e; }
        })));
        Assert.Single(attempts.OfType<AppendResult>());
        Assert.Equal(1, Assert.Single(attempts.OfType<ConcurrencyException>()).ActualVersion);
    }

    [Fact]
    public async Task AnEmptyBatchOrAnUnregisteredTypeIsRefusedBeforeAnythingIsWritten()
    {
        var stream = TestEvents.NewStream();
        await Assert.ThrowsAsync<ArgumentException>(() => db.Store.AppendAsync(stream, ExpectedVersion.Any, []));
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => db.Store.AppendAsync(stream, ExpectedVersion.Any, [new Created("ok"), "not an event"]));
        Assert.Contains("System.String", error.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => db.Store.AppendAsync("", ExpectedVersion.Any, [new Created("a")]));
        Assert.Equal(0L, await db.ScalarAsync($"SELECT count(*) FROM es.events WHERE stream_id = '{stream}'"));
    }

    [Fact]
    public async Task MetadataIsStoredWithEveryEventOfTheBatch()
    {
        var stream = TestEvents.NewStream();
        var metadata = new EventMetadata("alice", "corr-1", "cmd-7", "10.1.2.3");
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [new Created("a"), new Renamed("b")], metadata);
        var events = await db.Store.ReadStreamAsync(stream).ToListAsync();
        Assert.All(events, e => Assert.Equal(metadata, e.Metadata));
    }

    [Fact]
    public async Task TimestampsNeverDecreaseWithinAStream()
    {
        var stream = TestEvents.NewStream();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++) await db.Store.AppendAsync(stream, ExpectedVersion.Any, [new Counted(i)]);
        })));
        var events = await db.Store.ReadStreamAsync(stream).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 100).Select(v => (long)v), events.Select(e => e.Version));
        for (var i = 1; i < events.Count; i++) Assert.True(events[i].Timestamp >= events[i - 1].Timestamp);
    }

    [Fact]
    public async Task AppendInsideACallersTransactionIsRolledBackWithIt()
    {
        var stream = TestEvents.NewStream();
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await db.Store.AppendAsync(tx, stream, ExpectedVersion.NoStream, [new Created("a")]);
            await tx.RollbackAsync();
        }
        Assert.Empty(await db.Store.ReadStreamAsync(stream).ToListAsync());
        var result = await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [new Created("b")]);
        Assert.Equal(1, result.Version);
    }
}
