using Npgsql;
using ZeroLagHub.EventStore.Reading;

namespace ZeroLagHub.EventStore.Auditing;

/// <summary>Every stream head and the log's last event, from one snapshot.</summary>
internal static class ReadStreamHeads
{
    private const string LastEventSql = "SELECT tx_id, position FROM es.events ORDER BY tx_id DESC, position DESC LIMIT 1";
    private const string HeadsSql = "SELECT stream_id, version, coalesce(last_hash, ''::bytea) FROM es.streams ORDER BY stream_id";
    private const string OneHeadSql = "SELECT stream_id, version, coalesce(last_hash, ''::bytea) FROM es.streams WHERE stream_id = @stream";

    public static async Task<HeadsSnapshot> AllAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // REPEATABLE READ READ ONLY: both statements see the same commits, so every head is at or before
        // the last event. Read-only, it takes no transaction id and holds no reader's horizon back.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, tx))
            await readOnly.ExecuteNonQueryAsync(ct);

        var last = LogPosition.Start;
        await using (var command = new NpgsqlCommand(LastEventSql, connection, tx))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            if (await reader.ReadAsync(ct)) last = new LogPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1));

        var heads = new List<StreamHead>();
        await using (var command = new NpgsqlCommand(HeadsSql, connection, tx))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) heads.Add(Read(reader));
        await tx.CommitAsync(ct);
        return new HeadsSnapshot(last, heads);
    }

    public static async Task<StreamHead?> OneAsync(NpgsqlDataSource dataSource, string streamId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(OneHeadSql);
        command.Parameters.Add(new NpgsqlParameter<string>("stream", streamId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    private static StreamHead Read(NpgsqlDataReader row) => new(row.GetString(0), row.GetInt64(1), row.GetFieldValue<byte[]>(2));
}
