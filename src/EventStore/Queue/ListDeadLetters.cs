using Npgsql;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>A page of dead letters, oldest failure first, keyset-paged on (failed_at, id).</summary>
internal static class ListDeadLetters
{
    private const string Sql = """
        SELECT id, type, schema_version, data::text, enqueued_at, attempts, error, failed_at, idempotency_key
          FROM es.queue_dead_letters
         WHERE (@type::text IS NULL OR type = @type)
           AND (@after_at::timestamptz IS NULL OR (failed_at, id) > (@after_at, @after_id))
         ORDER BY failed_at, id
         LIMIT @limit
        """;

    public static async Task<IReadOnlyList<DeadLetter>> ExecuteAsync(NpgsqlDataSource dataSource, string? type, DeadLetter? after,
        int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter("type", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)type ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("after_at", NpgsqlTypes.NpgsqlDbType.TimestampTz)
            { Value = after is null ? DBNull.Value : after.FailedAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter<Guid>("after_id", after?.Id ?? Guid.Empty));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));

        var page = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            page.Add(new DeadLetter(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt32(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }
        return page;
    }
}
