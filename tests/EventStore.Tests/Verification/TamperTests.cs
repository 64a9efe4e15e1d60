using Npgsql;
using ZeroLagHub.EventStore.Appending;
using ZeroLagHub.EventStore.Verification;
using ZeroLagHub.Testing;

namespace ZeroLagHub.EventStore.Tests.Verification;

/// <summary>Changing history behind the store's back is found, by the store and by SQL alone.</summary>
public sealed class TamperTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    [Fact]
    public async Task AnUntouchedStoreVerifiesCleanInCodeAndInTheAuditorsSql()
    {
        var stream = await StreamOfFive();
        var verification = await db.Store.VerifyAsync(stream);
        Assert.Equal(new StreamVerification(stream, 5, null, null), verification);
        Assert.DoesNotContain(await AuditorsQuery(), row => row.Stream == stream);
    }

    [Fact]
    public async Task EveryWayOfAppendingChainsTheSameWayInCodeAndInTheAuditorsSql()
    {
        // es.append_events hashes a single event inside the statement that moves the stream's head and a
        // batch in a separate pass: new and existing streams, one event and several, each expectation.
        var single = TestEvents.NewStream();
        await db.Store.AppendAsync(single, ExpectedVersion.NoStream, [new Created("a")]);
        await db.Store.AppendAsync(single, ExpectedVersion.Exactly(1), [new Renamed("b")]);
        await db.Store.AppendAsync(single, ExpectedVersion.Any, [new Counted(1), new Counted(2)]);
        await db.Store.AppendAsync(single, ExpectedVersion.Exactly(4), [new Counted(3)]);
        var batch = TestEvents.NewStream();
        await db.Store.AppendAsync(batch, ExpectedVersion.Any, [new Created("a"), new Renamed("b")]);
        await db.Store.AppendAsync(batch, ExpectedVersion.Exactly(2), [new Counted(1), new Counted(2), new Counted(3)]);

        Assert.Equal(new StreamVerification(single, 5, null, null), await db.Store.VerifyAsync(single));
        Assert.Equal(new StreamVerification(batch, 5, null, null), await db.Store.VerifyAsync(batch));
        var problems = await AuditorsQuery();
        Assert.DoesNotContain(problems, row => row.Stream == single || row.Stream == batch);
    }

    [Fact]
    public async Task ChangedEventDataIsNamedByVerifyAndByTheAuditorsSql()
    {
        var stream = await StreamOfFive();
        await db.ScalarAsync($$"""UPDATE es.events SET data = '{"n": 1000}' WHERE stream_id = '{{stream}}' AND version = 3""");

        var verification = await db.Store.VerifyAsync(stream);
        Assert.Equal(3, verification!.FirstBroken);
        Assert.Contains("version 3", verification.Reason);
        Assert.Contains((stream, 3L), (await AuditorsQuery()).Select(r => (r.Stream, r.Version)));

        var all = await db.Store.VerifyAllAsync().Where(v => !v.IsIntact).ToListAsync();
        Assert.Contains(all, v => v.StreamId == stream && v.FirstBroken == 3);
    }

    [Fact]
    public async Task ARecomputedHashStillBreaksTheNextLink()
    {
        var stream = await StreamOfFive();
        await db.ScalarAsync($$"""
            UPDATE es.events SET data = '{"n": 7}',
                   hash = es.event_hash((SELECT hash FROM es.events WHERE stream_id = '{{stream}}' AND version = 1),
                                        stream_id, version, type, schema_version, '{"n": 7}', metadata, created_at)
             WHERE stream_id = '{{stream}}' AND version = 2
            """);
        Assert.Equal(3, (await db.Store.VerifyAsync(stream))!.FirstBroken);
    }

    [Fact]
    public async Task ADeletedEventIsFoundAsMissing()
    {
        var middle = await StreamOfFive();
        var last = await StreamOfFive();
        await db.ScalarAsync($"DELETE FROM es.events WHERE stream_id = '{middle}' AND version = 2");
        await db.ScalarAsync($"DELETE FROM es.events WHERE stream_id = '{last}' AND version = 5");

        Assert.Equal(2, (await db.Store.VerifyAsync(middle))!.FirstBroken);
        Assert.Equal(5, (await db.Store.VerifyAsync(last))!.FirstBroken);
        var rows = await AuditorsQuery();
        Assert.Contains((middle, 2L), rows.Select(r => (r.Stream, r.Version)));
        Assert.Contains(rows, r => r.Stream == last);
    }

    [Fact]
    public async Task EventsWhoseStreamHeadWasDeletedAreFoundByTheAuditorsSql()
    {
        var stream = await StreamOfFive();
        await db.ScalarAsync($"DELETE FROM es.streams WHERE stream_id = '{stream}'");
        Assert.Contains(await AuditorsQuery(), r => r.Stream == stream && r.Problem.Contains("without a stream head"));
    }

    [Fact]
    public async Task VerifyAllCoversEveryStreamAcrossChunks()
    {
        var streams = new List<string>();
        for (var i = 0; i < 520; i++)
        {
            var stream = TestEvents.NewStream();
            await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, [new Counted(i)]);
            streams.Add(stream);
        }
        var verified = await db.Store.VerifyAllAsync().Select(v => v.StreamId).ToListAsync();
        Assert.Equal(verified.Count, verified.Distinct().Count());
        Assert.Superset(streams.ToHashSet(), verified.ToHashSet());
    }

    [Fact]
    public async Task VerifyingAMissingStreamSaysSo() =>
        Assert.Null(await db.Store.VerifyAsync(TestEvents.NewStream()));

    private async Task<string> StreamOfFive()
    {
        var stream = TestEvents.NewStream();
        await db.Store.AppendAsync(stream, ExpectedVersion.NoStream, Enumerable.Range(1, 5).Select(i => (object)new Counted(i)).ToArray(),
            new EventMetadata("auditor-test"));
        return stream;
    }

    /// <summary>Runs docs/audit/verify-chain.sql exactly as an auditor would.</summary>
    private async Task<List<(string Stream, long Version, string Problem)>> AuditorsQuery()
    {
        var sql = await File.ReadAllTextAsync(Path.Combine(TestServices.RepositoryRoot(), "docs", "audit", "verify-chain.sql"));
        await using var command = db.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long, string)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
        return rows;
    }
}
