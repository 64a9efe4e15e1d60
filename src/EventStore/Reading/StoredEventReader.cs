using System.Text.Json;
using Npgsql;
using ZeroLagHub.EventStore.Serialization;

namespace ZeroLagHub.EventStore.Reading;

/// <summary>The column list every event read selects, and the mapping of one row.</summary>
internal static class StoredEventReader
{
    public const string Columns = "position, tx_id, stream_id, version, type, schema_version, data, metadata, created_at";

    public static StoredEvent Read(NpgsqlDataReader row, EventTypeRegistry types)
    {
        var streamId = row.GetString(2);
        var version = row.GetInt64(3);
        var type = row.GetString(4);
        var schemaVersion = row.GetInt32(5);
        return new StoredEvent(
            Position: row.GetInt64(0),
            TransactionId: row.GetFieldValue<ulong>(1),
            StreamId: streamId,
            Version: version,
            Type: type,
            SchemaVersion: schemaVersion,
            Data: types.Deserialize(type, schemaVersion, row.GetString(6), streamId, version),
            Metadata: JsonSerializer.Deserialize<EventMetadata>(row.GetString(7), EventTypeRegistry.JsonOptions) ?? EventMetadata.None,
            Timestamp: row.GetFieldValue<DateTimeOffset>(8));
    }
}
