using System.Text.Json;
using Npgsql;
using ZeroLagHub.EventStore.Serialization;

namespace ZeroLagHub.EventStore.Reading;

/// <summary>The column list every event read selects, and the mapping of one row.</summary>
internal static class StoredEventReader
{
    public const string Columns = "position, tx_id, stream_id, version, type, schema_version, data, metadata, created_at";

    /// <param name="metadata">
    /// The last metadata parsed, reused while the text repeats: every event of one append shares it,
    /// and parsing it again per event was a visible share of a rebuild's read time.
    /// </param>
    public static StoredEvent Read(NpgsqlDataReader row, EventTypeRegistry types, ref (string Json, EventMetadata Value) metadata)
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
            Metadata: ParseMetadata(row.GetString(7), ref metadata),
            Timestamp: row.GetFieldValue<DateTimeOffset>(8));
    }

    private static EventMetadata ParseMetadata(string json, ref (string Json, EventMetadata Value) last)
    {
        if (json != last.Json)
            last = (json, JsonSerializer.Deserialize<EventMetadata>(json, EventTypeRegistry.JsonOptions) ?? EventMetadata.None);
        return last.Value;
    }
}
