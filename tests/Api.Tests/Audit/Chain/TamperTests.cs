using ZeroLagHub.Api.Audit.Chain;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Api.Tests.Audit.Chain;

/// <summary>Changing Marten's events behind its back is found, by the verifier and by the auditors' SQL alone.</summary>
public sealed class TamperTests(ChainDatabase db) : IClassFixture<ChainDatabase>
{
    private ChainVerifier Verifier => new(db.Store);

    [Fact]
    public async Task AnUntouchedStreamVerifiesCleanInCodeAndInTheAuditorsSql()
    {
        var stream = await StreamOfFiveAsync();
        Assert.Equal(new StreamVerification(stream, 5, null, null), await Verifier.VerifyAsync(stream));
        Assert.DoesNotContain(await AuditorsQueryAsync(), row => row.Stream == stream);
    }

    [Theory]
    [InlineData("data = jsonb_set(data, '{by}', '\"mallory\"')")]
    [InlineData("timestamp = timestamp - interval '1 hour'")]
    [InlineData("user_name = 'mallory'")]
    [InlineData("headers = '{\"client_ip\": \"10.0.0.9\"}'")]
    [InlineData("type = 'container.started'")]
    public async Task AnEditedEventIsFlaggedExactly(string edit)
    {
        var stream = await StreamOfFiveAsync();
        await db.ScalarAsync($"UPDATE mt_events SET {edit} WHERE stream_id = '{stream}' AND version = 3");

        var verification = await Verifier.VerifyAsync(stream);
        Assert.Equal(3, verification!.FirstBroken);
        Assert.Contains("hash of version 3 does not match", verification.Reason);
        Assert.Equal([(stream, 3L, "hash does not match content and predecessor")],
            (await AuditorsQueryAsync()).Where(r => r.Stream == stream));
        Assert.Contains(await Verifier.VerifyAllAsync().Where(v => !v.IsIntact).ToListAsync(), v => v.StreamId == stream && v.FirstBroken == 3);
    }

    [Fact]
    public async Task ARecomputedLinkStillBreaksTheNextOne()
    {
        var stream = await StreamOfFiveAsync();
        await db.ScalarAsync($$"""
            UPDATE mt_events SET data = jsonb_set(data, '{by}', '"mallory"') WHERE stream_id = '{{stream}}' AND version = 2;
            UPDATE zlh_event_chain c SET hash = zlh_event_link_hash(c.prev_hash, to_jsonb(e))
              FROM mt_events e WHERE e.stream_id = c.stream_id AND e.version = c.version AND c.stream_id = '{{stream}}' AND c.version = 2;
            """);
        Assert.Equal(3, (await Verifier.VerifyAsync(stream))!.FirstBroken);
        Assert.Contains((stream, 3L), (await AuditorsQueryAsync()).Select(r => (r.Stream, r.Version)));
    }

    [Fact]
    public async Task ADeletedEventShowsAsAMissingVersion()
    {
        var middle = await StreamOfFiveAsync();
        var last = await StreamOfFiveAsync();
        var both = await StreamOfFiveAsync();
        await db.ScalarAsync($"DELETE FROM mt_events WHERE stream_id = '{middle}' AND version = 2");
        await db.ScalarAsync($"DELETE FROM mt_events WHERE stream_id = '{last}' AND version = 5");
        await db.ScalarAsync($"DELETE FROM mt_events WHERE stream_id = '{both}' AND version = 4; DELETE FROM zlh_event_chain WHERE stream_id = '{both}' AND version = 4");

        Assert.Equal(new StreamVerification(middle, 4, 2, "version 2 is missing"), await Verifier.VerifyAsync(middle));
        Assert.Equal(new StreamVerification(last, 4, 5, "version 5 is missing"), await Verifier.VerifyAsync(last));
        Assert.Equal(new StreamVerification(both, 4, 4, "version 4 is missing"), await Verifier.VerifyAsync(both));
        var rows = (await AuditorsQueryAsync()).Select(r => (r.Stream, r.Version)).ToList();
        Assert.Contains((middle, 2L), rows);
        Assert.Contains((last, 5L), rows);
        Assert.Contains((both, 4L), rows);
    }

    [Fact]
    public async Task ATruncatedStreamDisagreesWithItsHead()
    {
        var stream = await StreamOfFiveAsync();
        await db.ScalarAsync($"DELETE FROM mt_events WHERE stream_id = '{stream}' AND version = 5; DELETE FROM zlh_event_chain WHERE stream_id = '{stream}' AND version = 5");

        var verification = await Verifier.VerifyAsync(stream);
        Assert.Equal(5, verification!.FirstBroken);
        Assert.Contains("head says version 5", verification.Reason);
        Assert.Contains(await AuditorsQueryAsync(), r => r.Stream == stream && r.Problem.Contains("stream head"));
    }

    [Fact]
    public async Task VerifyAllCoversEveryStreamAcrossChunks()
    {
        var streams = new List<string>();
        await using (var session = db.Store.LightweightSession())
        {
            for (var i = 0; i < 520; i++)
            {
                var id = Guid.NewGuid();
                session.Events.StartStream(id, new ContainerStopped($"u{i}", DateTimeOffset.UtcNow));
                streams.Add(id.ToString("D"));
            }
            await session.SaveChangesAsync();
        }
        var verified = await Verifier.VerifyAllAsync().ToListAsync();
        Assert.Equal(verified.Count, verified.Select(v => v.StreamId).Distinct().Count());
        Assert.Superset(streams.ToHashSet(), verified.Select(v => v.StreamId).ToHashSet());
        Assert.All(verified.Where(v => streams.Contains(v.StreamId)), v => Assert.True(v.IsIntact));
    }

    [Fact]
    public async Task VerifyingAMissingStreamSaysSo() => Assert.Null(await Verifier.VerifyAsync(Guid.NewGuid().ToString("D")));

    private async Task<string> StreamOfFiveAsync()
    {
        var stream = Guid.NewGuid();
        await using var session = db.Store.LightweightSession();
        session.CorrelationId = "corr-1";
        session.CausationId = "cmd-1";
        session.LastModifiedBy = "auditor-test";
        session.SetHeader("client_ip", "127.0.0.1");
        session.Events.StartStream(stream, Enumerable.Range(1, 5)
            .Select(i => (object)(i % 2 == 0 ? new ContainerStarted($"u{i}", DateTimeOffset.UtcNow) : new ContainerStopped($"u{i}", DateTimeOffset.UtcNow)))
            .ToArray());
        await session.SaveChangesAsync();
        return stream.ToString("D");
    }

    /// <summary>Runs docs/audit/verify-chain.sql exactly as an auditor would.</summary>
    private async Task<List<(string Stream, long Version, string Problem)>> AuditorsQueryAsync()
    {
        var sql = await File.ReadAllTextAsync(Path.Combine(TestServices.RepositoryRoot(), "docs", "audit", "verify-chain.sql"));
        await using var command = db.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long, string)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
        return rows;
    }
}
