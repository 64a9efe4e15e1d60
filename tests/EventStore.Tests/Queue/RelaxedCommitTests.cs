using Npgsql;
using ZeroLagHub.EventStore.Queue;

namespace ZeroLagHub.EventStore.Tests.Queue;

/// <summary>Pins the Postgres behaviour <see cref="RelaxedCommit"/> relies on.</summary>
public sealed class RelaxedCommitTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    [Fact]
    public async Task BatchIsOneTransactionWithoutSynchronousCommitAndTheSessionKeepsItsSetting()
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        // The test server may run with synchronous_commit off throughout; make this session durable.
        await using (var durable = new NpgsqlCommand("SET synchronous_commit = on", connection))
            await durable.ExecuteNonQueryAsync();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                RelaxedCommit.Command(),
                new NpgsqlBatchCommand("SELECT pg_current_xact_id()::text, current_setting('synchronous_commit')"),
                new NpgsqlBatchCommand("SELECT pg_current_xact_id()::text"),
            },
        };
        string firstXact, setting, secondXact;
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            await reader.NextResultAsync();
            await reader.ReadAsync();
            (firstXact, setting) = (reader.GetString(0), reader.GetString(1));
            await reader.NextResultAsync();
            await reader.ReadAsync();
            secondXact = reader.GetString(0);
        }

        Assert.Equal("off", setting);
        Assert.Equal(firstXact, secondXact);
        await using var after = new NpgsqlCommand("SELECT current_setting('synchronous_commit')", connection);
        Assert.Equal("on", await after.ExecuteScalarAsync());
    }
}
