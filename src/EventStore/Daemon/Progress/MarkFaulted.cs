using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ZeroLagHub.EventStore.Serialization;

namespace ZeroLagHub.EventStore.Daemon.Progress;

/// <summary>Stops a generation at its checkpoint with the fault that stopped it (fenced on that checkpoint).</summary>
internal static class MarkFaulted
{
    private const string Sql = """
        UPDATE es.projection_progress SET state = 'faulted', fault = @fault, updated_at = now()
         WHERE projection = @name AND generation = @generation AND tx_id = @tx AND position = @position
        """;

    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, GenerationProgress progress, ProjectionFault fault, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.AddWithValue("name", progress.Projection);
        command.Parameters.AddWithValue("generation", progress.Generation);
        command.Parameters.Add(new NpgsqlParameter<ulong>("tx", NpgsqlDbType.Xid8) { TypedValue = progress.Checkpoint.TransactionId });
        command.Parameters.AddWithValue("position", progress.Checkpoint.Position);
        command.Parameters.Add(new NpgsqlParameter<string>("fault", NpgsqlDbType.Jsonb)
        {
            TypedValue = JsonSerializer.Serialize(fault, EventTypeRegistry.JsonOptions),
        });
        if (await command.ExecuteNonQueryAsync(ct) == 0) throw new CheckpointMovedException(progress.Projection, progress.Generation);
    }
}
