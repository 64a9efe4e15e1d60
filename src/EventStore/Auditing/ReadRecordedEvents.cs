using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace ZeroLagHub.EventStore.Auditing;

/// <summary>Events in their stored form: a page of one stream, or a whole stream / time range streamed row by row.</summary>
internal static class ReadRecordedEvents
{
    private const string Columns = "position, stream_id, version, type, schema_version, data::text, metadata::text, created_at, hash";

    private const string StreamPageSql = $"""
        SELECT {Columns} FROM es.events
         WHERE stream_id = @stream AND version >= @from
         ORDER BY version
         LIMIT @limit
        """;

    private const string StreamSql = $"SELECT {Columns} FROM es.events WHERE stream_id = @stream ORDER BY version";

    // Log order (the events_log_order index) rather than position: position has no index, and
    // sorting the whole table to export a day would cost more than reading it.
    private const string RangeSql = $"""
        SELECT {Columns} FROM es.events
         WHERE (@since::timestamptz IS NULL OR created_at >= @since)
           AND (@until::timestamptz IS NULL OR created_at < @until)
         ORDER BY tx_id, position
        """;

    public static async Task<List<RecordedEvent>> StreamPageAsync(NpgsqlDataSource dataSource, string streamId, long fromVersion,
        int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(StreamPageSql);
        command.Parameters.Add(new NpgsqlParameter<string>("stream", streamId));
        command.Parameters.Add(new NpgsqlParameter<long>("from", fromVersion));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        var page = new List<RecordedEvent>(Math.Min(limit, 1024));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) page.Add(Read(reader));
        return page;
    }

    /// <summary>
    /// One statement, read as it streams: a single snapshot, so the export is consistent, and the
    /// caller writes each row out before the next is read. The statement takes no transaction id, so
    /// it does not hold back the gap-free readers' horizon.
    /// </summary>
    public static async IAsyncEnumerable<RecordedEvent> StreamAsync(NpgsqlDataSource dataSource, string? streamId,
        DateTimeOffset? since, DateTimeOffset? until, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(streamId is null ? RangeSql : StreamSql);
        if (streamId is not null) command.Parameters.Add(new NpgsqlParameter<string>("stream", streamId));
        else
        {
            command.Parameters.Add(Time("since", since));
            command.Parameters.Add(Time("until", until));
        }
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        while (await reader.ReadAsync(ct)) yield return Read(reader);
    }

    private static NpgsqlParameter Time(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } t ? t.ToUniversalTime() : DBNull.Value };

    private static RecordedEvent Read(NpgsqlDataReader row) => new(
        Position: row.GetInt64(0),
        StreamId: row.GetString(1),
        Version: row.GetInt64(2),
        Type: row.GetString(3),
        SchemaVersion: row.GetInt32(4),
        Data: row.GetString(5),
        Metadata: row.GetString(6),
        Timestamp: row.GetFieldValue<DateTimeOffset>(7),
        Hash: row.GetFieldValue<byte[]>(8));
}
