using Npgsql;
using NpgsqlTypes;
using ZeroLagHub.EventStore.Serialization;

namespace ZeroLagHub.EventStore.Reading;

/// <summary>
/// One page of a stream in version order, optionally cut at a timestamp. Because timestamps never
/// decrease within a stream, "as of T" is a prefix of the stream.
/// </summary>
internal static class ReadStreamPage
{
    private const string Sql = $"""
        SELECT {StoredEventReader.Columns}
          FROM es.events
         WHERE stream_id = @stream AND version BETWEEN @from AND @to
           AND (@as_of IS NULL OR created_at <= @as_of)
         ORDER BY version
         LIMIT @limit
        """;

    public static async Task<List<StoredEvent>> ExecuteAsync(NpgsqlDataSource dataSource, EventTypeRegistry types,
        string streamId, long fromVersion, long toVersion, DateTimeOffset? asOf, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<string>("stream", streamId));
        command.Parameters.Add(new NpgsqlParameter<long>("from", fromVersion));
        command.Parameters.Add(new NpgsqlParameter<long>("to", toVersion));
        command.Parameters.Add(new NpgsqlParameter("as_of", NpgsqlDbType.TimestampTz) { Value = asOf is { } t ? t.ToUniversalTime() : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));

        var page = new List<StoredEvent>(Math.Min(limit, 1024));
        var metadata = ("", EventMetadata.None);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) page.Add(StoredEventReader.Read(reader, types, ref metadata));
        return page;
    }
}
