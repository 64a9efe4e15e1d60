using Microsoft.Extensions.Logging.Abstractions;
using ZeroLagHub.Api.Anchoring;
using ZeroLagHub.Api.Audit.Chain;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Tests.Audit.Chain;

/// <summary>Signed anchors of Marten's stream heads: written from the chain, and a later rewrite found against them.</summary>
public sealed class AnchorsOnMartenTests(ChainDatabase db) : IClassFixture<ChainDatabase>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("zlh-anchors-").FullName;

    [Fact]
    public async Task AnAnchorVouchesForEveryHeadAndCatchesAConsistentRewrite()
    {
        var stream = Guid.NewGuid();
        await using (var session = db.Store.LightweightSession())
        {
            session.Events.StartStream(stream, new ContainerStopped("a", DateTimeOffset.UtcNow), new ContainerStarted("a", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }
        using var key = AnchorKey.Load(Path.Combine(_directory, "anchor-signing.key"));
        var anchors = new Anchors(new ChainReader(db.Store), key, Path.Combine(_directory, "anchors"), TimeProvider.System, NullLogger<Anchors>.Instance);

        var written = await anchors.WriteAsync();
        var anchor = (await anchors.LoadAsync(written.File))!;

        Assert.Equal("zlh-anchor/2", anchor.Checkpoint.Format);
        Assert.True(anchors.IsSignedByUs(anchor));
        Assert.Equal((long)(await db.ScalarAsync("SELECT max(seq_id) FROM mt_events"))!, anchor.Checkpoint.LastSequence);
        var head = anchor.Checkpoint.Streams.Single(s => s.Stream == stream.ToString());
        Assert.Equal(2, head.Version);
        Assert.True((await anchors.CompareAsync(anchor)).Intact);

        // The careful attacker: an edit, and every link from it recomputed, so the chain alone verifies.
        await db.ScalarAsync($$"""
            UPDATE mt_events SET data = jsonb_set(data, '{by}', '"mallory"') WHERE stream_id = '{{stream}}' AND version = 2;
            UPDATE zlh_event_chain c SET hash = zlh_event_link_hash(c.prev_hash, to_jsonb(e))
              FROM mt_events e WHERE e.stream_id = c.stream_id AND e.version = c.version AND c.stream_id = '{{stream}}' AND c.version = 2;
            """);
        Assert.True((await new ChainVerifier(db.Store).VerifyAsync(stream.ToString()))!.IsIntact);

        var found = Assert.Single((await anchors.CompareAsync(anchor)).Discrepancies, d => d.StreamId == stream.ToString());
        Assert.Equal(2, found.Version);
        Assert.Contains("rewritten", found.Reason);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
