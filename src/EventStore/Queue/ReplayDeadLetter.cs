using Npgsql;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// Moves one dead letter back into the queue in one statement: same id, same payload and key, due now,
/// attempts reset to zero; the last error stays on the message for reference.
/// </summary>
internal static class ReplayDeadLetter
{
    private const string Sql = """
        WITH replayed AS (
            DELETE FROM es.queue_dead_letters WHERE id = @id
            RETURNING id, type, schema_version, data, enqueued_at, error, idempotency_key)
        INSERT INTO es.queue_messages (id, type, schema_version, data, enqueued_at, deliver_at, last_error, idempotency_key)
        SELECT id, type, schema_version, data, enqueued_at, now(), error, idempotency_key FROM replayed
        """;

    /// <returns>False when no dead letter has this id.</returns>
    public static async Task<bool> ExecuteAsync(NpgsqlDataSource dataSource, Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }
}
