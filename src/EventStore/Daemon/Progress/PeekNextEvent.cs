using Npgsql;
using NpgsqlTypes;
using ZeroLagHub.EventStore.Reading;

namespace ZeroLagHub.EventStore.Daemon.Progress;

/// <summary>Where and what the next readable event after a checkpoint is, without reading its payload.</summary>
internal static class PeekNextEvent
{
    private const string Sql = """
        SELECT tx_id, position, stream_id, version, type
          FROM es.events
         WHERE (tx_id, position) > (@tx, @position) AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY tx_id, position
         LIMIT 1
        """;

    public static async Task<EventIdentity?> ExecuteAsync(NpgsqlDataSource dataSource, LogPosition after, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<ulong>("tx", NpgsqlDbType.Xid8) { TypedValue = after.TransactionId });
        command.Parameters.AddWithValue("position", after.Position);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new EventIdentity(new LogPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1)),
            reader.GetString(2), reader.GetInt64(3), reader.GetString(4));
    }
}

/// <summary>An event's place and type: what a fault report names.</summary>
public sealed record EventIdentity(LogPosition LogPosition, string StreamId, long Version, string Type);
