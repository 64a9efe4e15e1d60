using Npgsql;
using NpgsqlTypes;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// Writes a batch of delivery outcomes in one round trip: one DELETE for the handled, one UPDATE for
/// the retries, one move for the dead letters.
/// </summary>
/// <remarks>
/// Retries and dead-letter moves are fenced by (leased_by, attempts): if this worker's lease ran out and
/// someone else claimed the message meanwhile, the newer claim owns it and the stale outcome changes
/// nothing. Deleting a handled message is not fenced on purpose: it was handled, so a concurrent
/// redelivery has nothing left to do and its own outcome will find no row.
/// </remarks>
internal static class CompleteMessages
{
    private const string Handled = "DELETE FROM es.queue_messages WHERE id = ANY(@ids)";

    private const string Retry = """
        UPDATE es.queue_messages m
           SET deliver_at = now() + r.delay, lease_until = NULL, leased_by = NULL, last_error = r.error
          FROM unnest(@ids, @attempts, @delays, @errors) AS r(id, attempt, delay, error)
         WHERE m.id = r.id AND m.attempts = r.attempt AND m.leased_by = @worker
        """;

    private const string DeadLetter = """
        WITH failed AS (
            DELETE FROM es.queue_messages m
             USING unnest(@ids, @attempts, @errors) AS f(id, attempt, error)
             WHERE m.id = f.id AND m.attempts = f.attempt AND m.leased_by = @worker
            RETURNING m.id, m.type, m.schema_version, m.data, m.enqueued_at, m.attempts, f.error, m.idempotency_key)
        INSERT INTO es.queue_dead_letters (id, type, schema_version, data, enqueued_at, attempts, error, idempotency_key)
        SELECT * FROM failed
        ON CONFLICT (id) DO UPDATE
           SET attempts = excluded.attempts, error = excluded.error, failed_at = now()
        """;

    /// <returns>How many fenced outcomes found their message claimed by someone else (and changed nothing).</returns>
    public static async Task<int> ExecuteAsync(NpgsqlDataSource dataSource, string workerId, IReadOnlyCollection<MessageOutcome> outcomes,
        CancellationToken ct)
    {
        var handled = outcomes.Where(o => o.Kind == OutcomeKind.Handled).ToArray();
        var retries = outcomes.Where(o => o.Kind == OutcomeKind.Retry).ToArray();
        var deadLetters = outcomes.Where(o => o.Kind == OutcomeKind.DeadLetter).ToArray();

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { RelaxedCommit.Command() } };
        if (handled.Length > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Handled)
            {
                Parameters = { new NpgsqlParameter<Guid[]>("ids", [.. handled.Select(o => o.Id)]) },
            });
        }
        NpgsqlBatchCommand? retry = null, deadLetter = null;
        if (retries.Length > 0)
        {
            retry = new NpgsqlBatchCommand(Retry) { Parameters = { Worker(workerId), Ids(retries), Attempts(retries), Errors(retries) } };
            retry.Parameters.Add(new NpgsqlParameter<TimeSpan[]>("delays", NpgsqlDbType.Array | NpgsqlDbType.Interval)
                { TypedValue = [.. retries.Select(o => o.RetryIn)] });
            batch.BatchCommands.Add(retry);
        }
        if (deadLetters.Length > 0)
        {
            deadLetter = new NpgsqlBatchCommand(DeadLetter)
                { Parameters = { Worker(workerId), Ids(deadLetters), Attempts(deadLetters), Errors(deadLetters) } };
            batch.BatchCommands.Add(deadLetter);
        }
        // Prepared for the reason given in ClaimMessages; each mix of statements is cached per connection.
        await batch.PrepareAsync(ct);
        await batch.ExecuteNonQueryAsync(ct);

        return retries.Length + deadLetters.Length - (retry?.RecordsAffected ?? 0) - (deadLetter?.RecordsAffected ?? 0);
    }

    private static NpgsqlParameter Worker(string workerId) => new NpgsqlParameter<string>("worker", workerId);

    private static NpgsqlParameter Ids(MessageOutcome[] outcomes) => new NpgsqlParameter<Guid[]>("ids", [.. outcomes.Select(o => o.Id)]);

    private static NpgsqlParameter Attempts(MessageOutcome[] outcomes) =>
        new NpgsqlParameter<int[]>("attempts", [.. outcomes.Select(o => o.Attempt)]);

    private static NpgsqlParameter Errors(MessageOutcome[] outcomes) =>
        new NpgsqlParameter<string[]>("errors", [.. outcomes.Select(o => o.Error ?? "")]);
}
