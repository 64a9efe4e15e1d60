using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ZeroLagHub.EventStore.Reading;
using ZeroLagHub.EventStore.Serialization;

namespace ZeroLagHub.EventStore.Appending;

/// <summary>
/// One append: a single call of <c>es.append_events</c>, so a batch costs one round trip and the stream
/// lock, versions, timestamps and hash chain are all decided inside the database.
/// </summary>
/// <remarks>
/// NOTE: no NOTIFY here. NOTIFY inside the appending transaction takes a cluster-wide lock until commit
/// and cut insert throughput to about a third in a measurement; waking readers is done after commit.
/// </remarks>
internal static class AppendEvents
{
    private const string Sql = """
        SELECT out_version, out_position, out_created_at, out_tx_id
          FROM es.append_events(@stream, @expected, @types, @versions, @data, @metadata)
        """;
    private const int MaxStreamIdLength = 200;

    /// <returns>The events as stored, in order (for inline projections).</returns>
    /// <exception cref="ConcurrencyException">The stream was not at <paramref name="expected"/>.</exception>
    public static async Task<IReadOnlyList<StoredEvent>> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx,
        EventTypeRegistry types, string streamId, ExpectedVersion expected, IReadOnlyCollection<object> events,
        EventMetadata? metadata, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        if (streamId.Length > MaxStreamIdLength)
            throw new ArgumentException($"stream ids are at most {MaxStreamIdLength} characters", nameof(streamId));
        if (events.Count == 0) throw new ArgumentException("an append needs at least one event", nameof(events));

        var typeNames = new string[events.Count];
        var versions = new int[events.Count];
        var payloads = new string[events.Count];
        var i = 0;
        foreach (var e in events)
        {
            var type = types.Of(e.GetType());
            typeNames[i] = type.Name;
            versions[i] = type.SchemaVersion;
            payloads[i] = types.Serialize(e, type);
            i++;
        }

        await using var command = new NpgsqlCommand(Sql, connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string>("stream", streamId));
        command.Parameters.Add(new NpgsqlParameter<long>("expected", expected.Value));
        command.Parameters.Add(new NpgsqlParameter<string[]>("types", typeNames));
        command.Parameters.Add(new NpgsqlParameter<int[]>("versions", versions));
        command.Parameters.Add(new NpgsqlParameter<string[]>("data", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { TypedValue = payloads });
        command.Parameters.Add(new NpgsqlParameter<string>("metadata", NpgsqlDbType.Jsonb)
        {
            TypedValue = JsonSerializer.Serialize(metadata ?? EventMetadata.None, EventTypeRegistry.JsonOptions),
        });

        // Prepared once per physical connection (Npgsql keeps it across pool returns): the hot path skips
        // parse and plan of this statement.
        await command.PrepareAsync(ct);
        var metadataValue = metadata ?? EventMetadata.None;
        var stored = new List<StoredEvent>(events.Count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        using var data = events.GetEnumerator();
        for (i = 0; await reader.ReadAsync(ct); i++)
        {
            if (reader.IsDBNull(1)) throw new ConcurrencyException(streamId, expected, reader.GetInt64(0));
            data.MoveNext();
            stored.Add(new StoredEvent(reader.GetInt64(1), reader.GetFieldValue<ulong>(3), streamId, reader.GetInt64(0),
                typeNames[i], versions[i], data.Current, metadataValue, reader.GetFieldValue<DateTimeOffset>(2)));
        }
        return stored;
    }
}
