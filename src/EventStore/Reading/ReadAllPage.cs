using Npgsql;
using NpgsqlTypes;
using ZeroLagHub.EventStore.Serialization;

namespace ZeroLagHub.EventStore.Reading;

/// <summary>
/// One page of the whole log in gap-free order.
/// </summary>
/// <remarks>
/// Events are ordered by (inserting transaction id, position) and only transactions older than the
/// snapshot's xmin are read: every transaction below xmin has ended, so no event can later appear
/// behind a position already handed out. A position-only read with gap detection is what made Marten
/// skip events (its bugs #1629, #3321, #4952); we do not do that.
/// The horizon is cluster-wide: any open transaction in any database of the cluster holds every
/// reader back until it ends. Keep transactions short.
/// </remarks>
internal static class ReadAllPage
{
    private const string Sql = $"""
        SELECT {StoredEventReader.Columns}
          FROM es.events
         WHERE (tx_id, position) > (@tx, @position)
           AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY tx_id, position
         LIMIT @limit
        """;

    /// <summary>
    /// The same order without the horizon, for a caller holding an EXCLUSIVE lock on es.events: no
    /// appender can be in flight then, so every event is committed and none can appear behind the read.
    /// </summary>
    private const string SqlUnderWriteLock = $"""
        SELECT {StoredEventReader.Columns}
          FROM es.events
         WHERE (tx_id, position) > (@tx, @position)
         ORDER BY tx_id, position
         LIMIT @limit
        """;

    public static async Task<EventPage> ExecuteAsync(NpgsqlDataSource dataSource, EventTypeRegistry types,
        LogPosition after, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Sql);
        return await Read(command, types, after, limit, ct);
    }

    public static async Task<EventPage> ExecuteUnderWriteLockAsync(NpgsqlTransaction tx, EventTypeRegistry types,
        LogPosition after, int limit, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(SqlUnderWriteLock, tx.Connection, tx);
        return await Read(command, types, after, limit, ct);
    }

    private static async Task<EventPage> Read(NpgsqlCommand command, EventTypeRegistry types, LogPosition after, int limit,
        CancellationToken ct)
    {
        command.Parameters.Add(new NpgsqlParameter<ulong>("tx", NpgsqlDbType.Xid8) { TypedValue = after.TransactionId });
        command.Parameters.Add(new NpgsqlParameter<long>("position", after.Position));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));

        var events = new List<StoredEvent>(Math.Min(limit, 1024));
        var metadata = ("", EventMetadata.None);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) events.Add(StoredEventReader.Read(reader, types, ref metadata));
        return new EventPage(events, events.Count > 0 ? events[^1].LogPosition : after);
    }
}
