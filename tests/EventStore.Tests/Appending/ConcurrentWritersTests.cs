using ZeroLagHub.EventStore.Appending;

namespace ZeroLagHub.EventStore.Tests.Appending;

/// <summary>Many writers at once: nothing lost, nothing doubled, versions and chains intact.</summary>
public sealed class ConcurrentWritersTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    [Fact]
    public async Task ThirtyTwoWritersOnDistinctStreamsTenThousandEventsEachReadExactlyOnce()
    {
        const int writers = 32, total = 10_000;
        var streams = Enumerable.Range(0, writers).Select(_ => TestEvents.NewStream()).ToArray();
        var positions = new long[writers][];

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var count = total / writers + (w < total % writers ? 1 : 0);
            positions[w] = new long[count];
            for (var i = 0; i < count; i++)
            {
                var result = await db.Store.AppendAsync(streams[w], i == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(i), [new Counted(i)]);
                positions[w][i] = result.LastPosition;
            }
        })));

        var mine = await new LogReader(db.Store, streams).CatchUp(count: total, pageSize: 700);
        Assert.Equal(total, mine.Count);
        Assert.Equal(total, mine.Select(e => e.Position).Distinct().Count());
        Assert.Equal(positions.SelectMany(p => p).Order(), mine.Select(e => e.Position).Order());
        // In log order each stream's versions come 1, 2, 3…: the log order agrees with every stream's order.
        foreach (var stream in mine.GroupBy(e => e.StreamId))
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => (long)v), stream.Select(e => e.Version));
        // The log order is (transaction, position); it never goes backwards.
        for (var i = 1; i < mine.Count; i++) Assert.True(mine[i].LogPosition > mine[i - 1].LogPosition);
    }

    [Fact]
    public async Task AnyAppendsRacingOnOneStreamKeepAContiguousValidChain()
    {
        var stream = TestEvents.NewStream();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
                await db.Store.AppendAsync(stream, ExpectedVersion.Any, i % 2 == 0 ? [new Counted(i)] : [new Counted(i), new Counted(-i)]);
        })));

        var versions = await db.Store.ReadStreamAsync(stream).Select(e => e.Version).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 8 * 60).Select(v => (long)v), versions);
        var inLogOrder = await new LogReader(db.Store, stream).CatchUp(count: 480);
        Assert.Equal(versions, inLogOrder.Select(e => e.Version));
        var verification = await db.Store.VerifyAsync(stream);
        Assert.NotNull(verification);
        Assert.True(verification.IsIntact, verification.Reason);
        Assert.Equal(480, verification.EventsChecked);
    }
}
