using Npgsql;
using ZeroLagHub.Api.Storage.Marten;

namespace ZeroLagHub.Api.ReadModels;

/// <summary>
/// An async read model's row in Marten's <c>mt_event_progression</c> (shard <c>{name}:All</c>): its position
/// and, with extended progression tracking on, the agent's status and the event that stopped it.
/// </summary>
public sealed record ShardProgress(long Position, string? AgentStatus, ReadModelFault? Fault)
{
    public static string ShardName(string readModel) => $"{readModel}:All";

    public static async Task<ShardProgress?> LoadAsync(NpgsqlDataSource dataSource, string readModel, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT p.last_seq_id, p.agent_status, p.pause_reason, e.seq_id, p.failure_event_type,
                   coalesce(p.heartbeat, p.last_updated), e.stream_id, e.version, e.type
              FROM {MartenSchema.Name}.mt_event_progression p
              -- The event Marten names, or (a failure it could not pin on one event) the next one it would apply.
              LEFT JOIN LATERAL (
                   SELECT seq_id, stream_id, version, type FROM {MartenSchema.Name}.mt_events
                    WHERE p.pause_reason IS NOT NULL
                      AND seq_id = coalesce(p.failure_event_sequence,
                                            (SELECT min(seq_id) FROM {MartenSchema.Name}.mt_events WHERE seq_id > coalesce(p.last_seq_id, 0)))) e ON true
             WHERE p.name = @shard
            """);
        command.Parameters.AddWithValue("shard", ShardName(readModel));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var position = reader.IsDBNull(0) ? 0 : reader.GetInt64(0);
        var status = reader.IsDBNull(1) ? null : reader.GetString(1);
        ReadModelFault? fault = null;
        if (!reader.IsDBNull(2) && status is not "Running")
        {
            // The event: Marten's, or the next one it would apply; none when the failure came after the last event.
            var sequence = reader.IsDBNull(3) ? 0 : reader.GetInt64(3);
            var @event = new FaultedEvent(new SequencePosition(0, sequence),
                reader.IsDBNull(6) ? "" : reader.GetGuid(6).ToString("D"), reader.IsDBNull(7) ? 0 : reader.GetInt64(7),
                reader.IsDBNull(8) ? (reader.IsDBNull(4) ? "" : reader.GetString(4)) : reader.GetString(8));
            fault = new ReadModelFault(@event, reader.IsDBNull(2) ? "" : reader.GetString(2), 1, reader.GetFieldValue<DateTimeOffset>(5));
        }
        return new ShardProgress(position, status, fault);
    }
}
