using Npgsql;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// Extends the leases of messages whose handlers are still running, so a handler slower than one lease
/// is not handed to a second worker while the first is alive. Fenced like every lease write.
/// </summary>
internal static class RenewLeases
{
    private const string Sql = """
        UPDATE es.queue_messages m
           SET lease_until = now() + @lease
          FROM unnest(@ids, @attempts) AS r(id, attempt)
         WHERE m.id = r.id AND m.attempts = r.attempt AND m.leased_by = @worker
        RETURNING m.id
        """;

    /// <returns>The ids whose lease was extended; any other was lost (it expired and was claimed again).</returns>
    public static async Task<HashSet<Guid>> ExecuteAsync(NpgsqlDataSource dataSource, string workerId, IReadOnlyCollection<LeaseRef> leases,
        TimeSpan lease, CancellationToken ct)
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
                        new NpgsqlParameter<TimeSpan>("lease", lease),
                        new NpgsqlParameter<string>("worker", workerId),
                        new NpgsqlParameter<Guid[]>("ids", [.. leases.Select(l => l.Id)]),
                        new NpgsqlParameter<int[]>("attempts", [.. leases.Select(l => l.Attempt)]),
                    },
                },
            },
        };
        await batch.PrepareAsync(ct);
        var renewed = new HashSet<Guid>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct)) renewed.Add(reader.GetGuid(0));
        return renewed;
    }
}
