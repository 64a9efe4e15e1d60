using System.Text.Json;
using Marten;
using ZeroLagHub.Api.Audit.AsOf;
using ZeroLagHub.Api.Audit.Chain;
using ZeroLagHub.Domain.Agent;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Tests.Audit.Chain;

/// <summary>What auditors and anchors read from Marten's tables and the chain: events as stored, heads, comparisons, state as of then.</summary>
public sealed class ChainReaderTests(ChainDatabase db) : IClassFixture<ChainDatabase>
{
    private ChainReader Reader => new(db.Store);

    [Fact]
    public async Task AnEventReadsAsStoredWithItsMetadataAndItsLink()
    {
        var (id, _) = await ContainerHistoryAsync();
        var stream = id.ToString("D");

        var page = await Reader.ReadStreamAsync(stream, 2, 1);

        var e = Assert.Single(page);
        Assert.Equal((stream, 2L, "container.provisioning_succeeded", 1), (e.StreamId, e.Version, e.Type, e.SchemaVersion));
        var metadata = JsonDocument.Parse(e.Metadata).RootElement;
        Assert.Equal("owner-1", metadata.GetProperty("user").GetString());
        Assert.Equal("corr-7", metadata.GetProperty("correlationId").GetString());
        Assert.Equal("127.0.0.1", metadata.GetProperty("clientIp").GetString());
        Assert.False(metadata.TryGetProperty("causationId", out _));
        Assert.Equal(e.Data, (string)(await db.ScalarAsync($"SELECT data::text FROM mt_events WHERE stream_id = '{stream}' AND version = 2"))!);
        Assert.Equal(e.Position, (long)(await db.ScalarAsync($"SELECT seq_id FROM mt_events WHERE stream_id = '{stream}' AND version = 2"))!);
        Assert.Equal((byte[])(await db.ScalarAsync($"SELECT hash FROM zlh_event_chain WHERE stream_id = '{stream}' AND version = 2"))!, e.Hash);
    }

    [Fact]
    public async Task ExportsGiveAWholeStreamOrATimeRangeInOrder()
    {
        var (id, times) = await ContainerHistoryAsync();
        var stream = id.ToString("D");

        var whole = await Reader.ExportStreamAsync(stream).ToListAsync();
        var range = await Reader.ExportRangeAsync(times[1], times[2]).ToListAsync();

        Assert.Equal([1L, 2L, 3L], whole.Select(e => e.Version));
        Assert.Equal([2L], range.Where(e => e.StreamId == stream).Select(e => e.Version));
        Assert.Equal(range.Select(e => e.Position).Order(), range.Select(e => e.Position));
    }

    [Fact]
    public async Task HeadsAreTheLastLinksAndAnUntouchedStoreMatchesThem()
    {
        var (id, _) = await ContainerHistoryAsync();
        var stream = id.ToString("D");

        var head = await Reader.HeadAsync(stream);
        var snapshot = await Reader.HeadsAsync();

        Assert.Equal(3, head!.Version);
        Assert.Equal((byte[])(await db.ScalarAsync($"SELECT hash FROM zlh_event_chain WHERE stream_id = '{stream}' AND version = 3"))!, head.Hash);
        Assert.Contains(snapshot.Heads, h => h.StreamId == stream && h.Hash.SequenceEqual(head.Hash));
        Assert.True(snapshot.LastSequence >= (await Reader.ReadStreamAsync(stream, 3, 1))[0].Position);
        Assert.Null(await Reader.HeadAsync(Guid.NewGuid().ToString("D")));
        Assert.Empty(await Reader.CompareAsync([head]));
    }

    [Fact]
    public async Task AComparisonWithEarlierHeadsNamesWhatChanged()
    {
        var edited = await AnchoredAsync();
        var rewritten = await AnchoredAsync();
        var truncated = await AnchoredAsync();
        var gone = await AnchoredAsync();
        await db.ScalarAsync($$"""UPDATE mt_events SET data = data || '{"forged": true}' WHERE stream_id = '{{edited.StreamId}}' AND version = 2""");
        await db.ScalarAsync($$"""UPDATE mt_events SET data = data || '{"forged": true}' WHERE stream_id = '{{rewritten.StreamId}}' AND version = 2""");
        for (var v = 2; v <= 3; v++)
            await db.ScalarAsync($"""
                UPDATE zlh_event_chain c SET prev_hash = coalesce((SELECT p.hash FROM zlh_event_chain p WHERE p.stream_id = c.stream_id AND p.version = c.version - 1), ''),
                       hash = zlh_event_link_hash(coalesce((SELECT p.hash FROM zlh_event_chain p WHERE p.stream_id = c.stream_id AND p.version = c.version - 1), ''),
                                                  (SELECT to_jsonb(e) FROM mt_events e WHERE e.stream_id = c.stream_id AND e.version = c.version))
                 WHERE c.stream_id = '{rewritten.StreamId}' AND c.version = {v}
                """);
        await db.ScalarAsync($"DELETE FROM mt_events WHERE stream_id = '{truncated.StreamId}' AND version = 3; DELETE FROM zlh_event_chain WHERE stream_id = '{truncated.StreamId}' AND version = 3");
        await db.ScalarAsync($"DELETE FROM mt_events WHERE stream_id = '{gone.StreamId}'; DELETE FROM zlh_event_chain WHERE stream_id = '{gone.StreamId}'");

        var found = (await Reader.CompareAsync([edited, rewritten, truncated, gone])).ToDictionary(d => d.StreamId);

        Assert.Equal(2, found[edited.StreamId].Version);
        Assert.Contains("version 2 was altered", found[edited.StreamId].Reason);
        Assert.Equal(3, found[rewritten.StreamId].Version);
        Assert.Contains("rewritten", found[rewritten.StreamId].Reason);
        Assert.Equal(3, found[truncated.StreamId].Version);
        Assert.Contains("truncated", found[truncated.StreamId].Reason);
        Assert.Contains("no events now", found[gone.StreamId].Reason);
        Assert.True((await new ChainVerifier(db.Store).VerifyAsync(rewritten.StreamId))!.IsIntact, "a consistent rewrite passes the chain alone");
    }

    [Fact]
    public async Task AContainersStateIsFoldedAsOfAVersionOrATime()
    {
        var (id, times) = await ContainerHistoryAsync();
        var history = new StreamAsOf(db.Store);

        var atReady = await history.FoldAsync(id, ContainerState.Initial, Container.Evolve, asOf: times[1]);
        var atFirst = await history.FoldAsync(id, ContainerState.Initial, Container.Evolve, upToVersion: 1);
        var now = await history.FoldAsync(id, ContainerState.Initial, Container.Evolve);
        var before = await history.FoldAsync(id, ContainerState.Initial, Container.Evolve, asOf: times[0].AddHours(-1));

        Assert.Equal((2L, ContainerLifecycle.Ready), (atReady.Version, atReady.State.Lifecycle));
        Assert.Equal((1L, ContainerLifecycle.Provisioning), (atFirst.Version, atFirst.State.Lifecycle));
        Assert.Equal((3L, ContainerLifecycle.Stopped), (now.Version, now.State.Lifecycle));
        Assert.Equal(0, before.Version);
        Assert.False(before.State.Exists);
    }

    private async Task<StreamHead> AnchoredAsync() => (await Reader.HeadAsync((await ContainerHistoryAsync()).Id.ToString("D")))!;

    /// <summary>Three appends, so three timestamps: v1 requested (provisioning), v2 ready, v3 stopped.</summary>
    private async Task<(Guid Id, DateTimeOffset[] Times)> ContainerHistoryAsync()
    {
        var id = Guid.NewGuid();
        var deployment = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        object[] history =
        [
            new ContainerRequested(id, "owner-1", ContainerKind.Dev, AuditSteps.Spec(), deployment, now),
            new ProvisioningSucceeded(deployment, now),
            new ContainerStopped("owner-1", now),
        ];
        foreach (var e in history)
        {
            await using var session = db.Store.LightweightSession();
            session.CorrelationId = "corr-7";
            session.LastModifiedBy = "owner-1";
            session.SetHeader("client_ip", "127.0.0.1");
            session.Events.Append(id, e);
            await session.SaveChangesAsync();
        }
        await using var query = db.Store.QuerySession();
        var times = await query.Events.FetchStreamAsync(id);
        return (id, [.. times.Select(e => e.Timestamp)]);
    }
}
