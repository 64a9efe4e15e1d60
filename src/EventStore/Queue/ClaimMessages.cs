using Npgsql;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// Takes up to a batch of due messages under a lease, in one round trip that also says when the next
/// not-yet-due message (or lease) falls due, so an idle worker knows how long it may sleep.
/// </summary>
/// <remarks>
/// Due means <c>due_at &lt;= now()</c> on the database clock, so nodes with skewed clocks agree. SKIP
/// LOCKED lets concurrent claimers take disjoint rows instead of queueing on each other.
/// Committed without waiting for its fsync (<see cref="RelaxedCommit"/>): a claim lost in a crash
/// leaves the message unleased, the state it was in before.
/// </remarks>
internal static class ClaimMessages
{
    private const string Claim = """
        WITH due AS (
            SELECT id FROM es.queue_messages
             WHERE due_at <= now()
             ORDER BY due_at
             LIMIT @limit
               FOR UPDATE SKIP LOCKED)
        UPDATE es.queue_messages m
           SET attempts = m.attempts + 1, lease_until = now() + @lease, leased_by = @worker
          FROM due
         WHERE m.id = due.id
        RETURNING m.id, m.type, m.schema_version, m.data::text, m.attempts, m.enqueued_at
        """;

    private const string NextDue = "SELECT extract(epoch FROM min(due_at) - now())::float8 FROM es.queue_messages WHERE due_at > now()";

    public static async Task<ClaimResult> ExecuteAsync(NpgsqlDataSource dataSource, string workerId, int limit, TimeSpan lease,
        CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                RelaxedCommit.Command(),
                new NpgsqlBatchCommand(Claim)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<int>("limit", limit),
                        new NpgsqlParameter<TimeSpan>("lease", lease),
                        new NpgsqlParameter<string>("worker", workerId),
                    },
                },
                new NpgsqlBatchCommand(NextDue),
            },
        };

        // Npgsql keeps an explicitly prepared statement on the physical connection across pool rentals, so
        // this costs a round trip once per connection and then saves parsing and planning on every claim.
        // (Behind a transaction-mode pooler that cannot hold prepared statements, this would need to go.)
        await batch.PrepareAsync(ct);
        var messages = new List<ClaimedMessage>(limit);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            messages.Add(new ClaimedMessage(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3),
                reader.GetInt32(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        TimeSpan? nextDue = reader.IsDBNull(0) ? null : TimeSpan.FromSeconds(Math.Max(0, reader.GetDouble(0)));
        return new ClaimResult(messages, nextDue);
    }
}

/// <param name="NextDueIn">How long until the earliest message that was not yet due becomes due; null when none waits.</param>
internal sealed record ClaimResult(IReadOnlyList<ClaimedMessage> Messages, TimeSpan? NextDueIn);
