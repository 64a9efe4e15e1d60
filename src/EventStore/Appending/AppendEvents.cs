using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
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
    private const string Sql = "SELECT stream_version, last_position FROM es.append_events(@stream, @expected, @types, @versions, @data, @metadata)";
    private const int MaxStreamIdLength = 200;

    public static async Task<AppendResult> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx,
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

        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var version = reader.GetInt64(0);
        if (reader.IsDBNull(1)) throw new ConcurrencyException(streamId, expected, version);
        return new AppendResult(streamId, version, reader.GetInt64(1));
    }
}
