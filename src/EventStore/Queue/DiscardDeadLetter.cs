using Npgsql;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>Deletes one dead letter for good. Its idempotency key, if any, is kept for the retention period.</summary>
internal static class DiscardDeadLetter
{
    private const string Sql = "DELETE FROM es.queue_dead_letters WHERE id = @id";

    /// <returns>False when no dead letter has this id.</returns>
    public static async Task<bool> ExecuteAsync(NpgsqlDataSource dataSource, Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }
}
