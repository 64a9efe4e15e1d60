using Npgsql;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// Forgets idempotency keys older than the retention period, a bounded chunk per call. A key whose
/// message still waits (scheduled far ahead, retrying, or dead-lettered and maybe replayed) is kept:
/// forgetting it would let a duplicate in while the original is still deliverable.
/// </summary>
internal static class PurgeIdempotencyKeys
{
    private const int Chunk = 1000;

    private const string Sql = """
        DELETE FROM es.queue_keys
         WHERE key IN (
            SELECT k.key FROM es.queue_keys k
             WHERE k.created_at < now() - @retention
               AND NOT EXISTS (SELECT FROM es.queue_messages m WHERE m.id = k.message_id)
               AND NOT EXISTS (SELECT FROM es.queue_dead_letters d WHERE d.id = k.message_id)
             ORDER BY k.created_at
             LIMIT @chunk
               FOR UPDATE SKIP LOCKED)
        """;

    /// <returns>How many keys were forgotten; <see cref="Chunk"/> means there may be more.</returns>
    public static async Task<int> ExecuteAsync(NpgsqlDataSource dataSource, TimeSpan retention, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan>("retention", retention));
        command.Parameters.Add(new NpgsqlParameter<int>("chunk", Chunk));
        return await command.ExecuteNonQueryAsync(ct);
    }
}
