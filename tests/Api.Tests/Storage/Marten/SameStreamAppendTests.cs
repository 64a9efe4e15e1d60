using Npgsql;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Api.Tests.Status;
using ZeroLagHub.Domain.Containers;
using ZeroLagHub.Projections.Events;

namespace ZeroLagHub.Api.Tests.Storage.Marten;

/// <summary>
/// Racing appends to one stream without an expected version (the agent poller's facts): the later one waits
/// for the earlier one's commit and appends after it, without burning a sequence number in a rolled-back
/// transaction (a gap Marten's daemon would wait its stale threshold at, holding back every later event).
/// </summary>
public sealed class SameStreamAppendTests(ApiDatabase db) : IClassFixture<ApiDatabase>
{
    [Fact]
    public async Task AnAppendRacingAnOpenOneOnTheSameStreamWaitsAndLeavesNoSequenceGap()
    {
        await using var node = await MartenNode.StartAsync(db.ConnectionString, "zlh-node-race");
        var stream = Guid.NewGuid().ToString();
        await node.Store.AppendAsync(stream, ExpectedVersion.NoStream, [Offline()]);

        await using var connection = await node.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var first = await node.Store.AppendAsync(tx, stream, ExpectedVersion.Any, [Offline()]);
        var racing = node.Store.AppendAsync(stream, ExpectedVersion.Any, [Offline()]);
        // The racer is blocked on a lock held by the open transaction (the stream's row, or before the fix the
        // unique version it computed too), so the commit below is what it waits for.
        await StatusSteps.EventuallyAsync(async () => await WaitingOnLocksAsync() > 0 ? "yes" : null, "the racing append to wait on a lock");
        await tx.CommitAsync();
        var second = await racing;

        Assert.Equal(2, first.Version);
        Assert.Equal(3, second.Version);
        Assert.Equal(first.LastPosition + 1, second.LastPosition);
        // No number taken and rolled back: the sequence has handed out exactly the stored events' numbers.
        Assert.Equal(await ScalarAsync($"SELECT max(seq_id) FROM {MartenSchema.Name}.mt_events"),
            await ScalarAsync($"SELECT last_value FROM {MartenSchema.Name}.mt_events_sequence"));
    }

    private static AgentWentOffline Offline() => new(DateTimeOffset.UnixEpoch);

    private async Task<long> WaitingOnLocksAsync() => await ScalarAsync(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'zlh-node-race' AND wait_event_type = 'Lock'");

    private async Task<long> ScalarAsync(string sql)
    {
        await using var command = db.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
