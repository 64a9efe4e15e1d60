using Npgsql;
using NpgsqlTypes;

namespace ZeroLagHub.Api.Status;

/// <summary>One status row to publish, keyed by the log order of the event that last changed it.</summary>
public sealed record StatusRowChange(ulong TransactionId, long Position, Guid ContainerId, string Json);

/// <summary>
/// The <c>container_status</c> rows changed after a cursor, in the order the projection wrote them.
/// </summary>
/// <remarks>
/// The cursor is the (transaction id, position) of each row's last event, not the position alone: the
/// projection applies events in (tx_id, position) order, so a row whose event has a smaller position can
/// appear after one with a larger position, and a position-only cursor would skip it for good.
/// </remarks>
public static class ReadStatusChanges
{
    private const string Sql = """
        SELECT e.tx_id, e.position, s.id, s.doc::text
          FROM es.events e
          JOIN container_status s ON s.position = e.position
         WHERE (e.tx_id, e.position) > (@tx, @position)
         ORDER BY e.tx_id, e.position
         LIMIT @limit
        """;

    public static async Task<List<StatusRowChange>> ExecuteAsync(NpgsqlDataSource db, ulong afterTransaction, long afterPosition, int limit,
        CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<ulong>("tx", NpgsqlDbType.Xid8) { TypedValue = afterTransaction });
        command.Parameters.Add(new NpgsqlParameter<long>("position", afterPosition));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<StatusRowChange>();
        while (await reader.ReadAsync(ct))
            rows.Add(new StatusRowChange(reader.GetFieldValue<ulong>(0), reader.GetInt64(1), reader.GetGuid(2), reader.GetString(3)));
        return rows;
    }
}
