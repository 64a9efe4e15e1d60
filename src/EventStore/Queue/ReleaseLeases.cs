using Npgsql;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// Gives back the claims of handlers a stopping worker could not wait for: the message is due again at
/// once (lease_until = now()) for any other worker, and the interrupted delivery does not count
/// against its attempts, since it did not fail.
/// </summary>
internal static class ReleaseLeases
{
    private const string Sql = """
        UPDATE es.queue_messages m
           SET lease_until = now(), leased_by = NULL, attempts = m.attempts - 1
          FROM unnest(@ids, @attempts) AS r(id, attempt)
         WHERE m.id = r.id AND m.attempts = r.attempt AND m.leased_by = @worker
        """;

    /// <returns>How many leases were released (the others had already been lost).</returns>
    public static async Task<int> ExecuteAsync(NpgsqlDataSource dataSource, string workerId, IReadOnlyCollection<LeaseRef> leases,
        CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                RelaxedCommit.Command(),
                new NpgsqlBatchCommand(Sql)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string>("worker", workerId),
                        new NpgsqlParameter<Guid[]>("ids", [.. leases.Select(l => l.Id)]),
                        new NpgsqlParameter<int[]>("attempts", [.. leases.Select(l => l.Attempt)]),
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
        return batch.BatchCommands[1].RecordsAffected;
    }
}
