using ZeroLagHub.EventStore.Appending;

namespace ZeroLagHub.EventStore.Tests.Reading;

public sealed class StreamReadTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    [Fact]
    public async Task AFiftyThousandEventStreamReadsInPagesInOrder()
    {
        var stream = TestEvents.NewStream();
        for (var batch = 0; batch < 100; batch++)
            await db.Store.AppendAsync(stream, ExpectedVersion.Any,
                Enumerable.Range(batch * 500, 500).Select(i => (object)new Counted(i)).ToArray());

        long expected = 1;
        await foreach (var e in db.Store.ReadStreamAsync(stream, pageSize: 1000))
        {
            Assert.Equal(expected, e.Version);
            Assert.Equal(new Counted((int)expected - 1), e.Data);
            expected++;
        }
        Assert.Equal(50_001, expected);
    }

    [Fact]
    public async Task AVersionRangeReadsOnlyThatRangeAcrossPageBoundaries()
    {
        var stream = TestEvents.NewStream();
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, Enumerable.Range(0, 30).Select(i => (object)new Counted(i)).ToArray());
        var versions = await db.Store.ReadStreamAsync(stream, fromVersion: 5, toVersion: 17, pageSize: 4).Select(e => e.Version).ToListAsync();
        Assert.Equal(Enumerable.Range(5, 13).Select(v => (long)v), versions);
    }

    [Fact]
    public async Task AsOfATimestampReadsTheStreamAsItStoodThen()
    {
        var stream = TestEvents.NewStream();
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [new Created("one"), new Renamed("two")]);
        var cut = (await db.Store.ReadStreamAsync(stream).ToListAsync())[^1].Timestamp;
        await Task.Delay(5);
        await db.Store.AppendAsync(stream, ExpectedVersion.Exactly(2), [new Renamed("three")]);

        var asOf = await db.Store.ReadStreamAsOfAsync(stream, cut).Select(e => e.Version).ToListAsync();
        Assert.Equal([1L, 2L], asOf);
        Assert.Empty(await db.Store.ReadStreamAsOfAsync(stream, cut.AddSeconds(-60)).ToListAsync());

        var then = await db.Store.AggregateStreamAsync(stream, "", Evolve, asOf: cut);
        var now = await db.Store.AggregateStreamAsync(stream, "", Evolve);
        Assert.Equal(new Aggregate<string>("two", 2), then);
        Assert.Equal(new Aggregate<string>("three", 3), now);
        Assert.Equal(new Aggregate<string>("one", 1), await db.Store.AggregateStreamAsync(stream, "", Evolve, upToVersion: 1));
    }

    [Fact]
    public async Task AggregatingAMissingStreamGivesTheInitialStateAtVersionZero()
    {
        var result = await db.Store.AggregateStreamAsync(TestEvents.NewStream(), "initial", Evolve);
        Assert.Equal(new Aggregate<string>("initial", 0), result);
    }

    private static string Evolve(string state, object e) => e switch
    {
        Created c => c.Name,
        Renamed r => r.Name,
        _ => state,
    };
}
