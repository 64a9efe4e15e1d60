using Npgsql;
using ZeroLagHub.Api.Tests.Status;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Api.Tests.Storage.Marten;

/// <summary>Async read models in Marten's daemon: one node at a time (HotCold), failover, and no event skipped.</summary>
public sealed class DaemonTests(ApiDatabase db) : IClassFixture<ApiDatabase>
{
    [Fact]
    public async Task AKilledNodesProjectionsResumeOnTheOtherWithinTenSeconds()
    {
        var readModel = new StreamSummaryReadModel("failover");
        var first = await MartenNode.StartAsync(db.ConnectionString, "zlh-node-a", readModel);
        MartenNode? second = null;
        try
        {
            var before = Guid.NewGuid().ToString();
            await first.Store.AppendAsync(before, ExpectedVersion.NoStream, [Offline()]);
            await ProjectedAsync(readModel, before, 1, 30); // the only node: it leads
            second = await MartenNode.StartAsync(db.ConnectionString, "zlh-node-b", readModel);

            await first.KillAsync(db.DataSource);
            var killedAt = DateTime.UtcNow;
            var after = Guid.NewGuid().ToString();
            await second.Store.AppendAsync(after, ExpectedVersion.NoStream, [Offline(), Offline()]);

            await ProjectedAsync(readModel, after, 2, 10);
            Assert.True(DateTime.UtcNow - killedAt < TimeSpan.FromSeconds(10));
            // Each event once: neither node applied a batch twice around the failover.
            Assert.All(await readModel.RowsAsync(db.DataSource), row => Assert.Equal(row.Value.Version, row.Value.Events));
        }
        finally
        {
            if (second is not null) await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnEventCommittedAfterTheStaleThresholdIsProjectedAfterItsCommitNeverSkipped()
    {
        var readModel = new StreamSummaryReadModel("late_commit");
        await using var node = await MartenNode.StartAsync(db.ConnectionString, "zlh-node-gap", readModel);
        var late = Guid.NewGuid().ToString();
        var others = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid().ToString()).ToList();

        await using var connection = await node.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        // Takes its sequence number first, then stays uncommitted while the others commit after it.
        await node.Store.AppendAsync(tx, late, ExpectedVersion.NoStream, [Offline()]);
        foreach (var stream in others)
        {
            await node.Store.AppendAsync(stream, ExpectedVersion.NoStream, [Offline()]);
            await Task.Delay(500); // the hold: 8 × 0.5 s, beyond Marten's 3 s stale-sequence threshold
        }
        var held = await readModel.RowsAsync(db.DataSource);
        Assert.DoesNotContain(late, held.Keys);
        // Marten held its high-water mark at the open transaction's gap rather than skip past it.
        Assert.DoesNotContain(others[^1], held.Keys);

        await tx.CommitAsync();

        await ProjectedAsync(readModel, late, 1, 30);
        foreach (var stream in others) await ProjectedAsync(readModel, stream, 1, 30);
    }

    private static AgentWentOffline Offline() => new(DateTimeOffset.UnixEpoch);

    private async Task ProjectedAsync(StreamSummaryReadModel readModel, string stream, long events, double seconds) =>
        await StatusSteps.EventuallyAsync(async () =>
            (await readModel.RowsAsync(db.DataSource)).TryGetValue(stream, out var row) && row.Events == events ? "yes" : null,
            $"{events} event(s) of {stream} in {readModel.Name}", seconds);
}
