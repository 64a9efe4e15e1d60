using Npgsql;
using NpgsqlTypes;
using ZeroLagHub.EventStore.Projections;
using ZeroLagHub.EventStore.Reading;

namespace ZeroLagHub.EventStore.Daemon.Progress;

/// <summary>
/// Applies one batch to one generation and moves its checkpoint, in one transaction.
/// The checkpoint row is locked first and fenced on the floor this runner read (compare-and-set), so a
/// runner that lost its lock cannot apply twice, and an operator's stream repair, which locks the same
/// row first, never deadlocks with it.
/// </summary>
internal static class ApplyBatch
{
    private const string LockFloor = """
        SELECT 1 FROM es.projection_progress
         WHERE projection = @name AND generation = @generation AND tx_id = @tx AND position = @position AND state = 'running'
           FOR UPDATE
        """;

    private const string Advance = """
        UPDATE es.projection_progress
           SET tx_id = @tx, position = @position, events_applied = events_applied + @count, updated_at = now()
         WHERE projection = @name AND generation = @generation
        """;

    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, IProjection projection, GenerationProgress progress,
        IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        await using (var fence = new NpgsqlCommand(LockFloor, connection, tx))
        {
            AddKey(fence, progress, progress.Checkpoint);
            if (await fence.ExecuteScalarAsync(ct) is null) throw new CheckpointMovedException(progress.Projection, progress.Generation);
        }

        await projection.ApplyAsync(events, new ProjectionContext(tx, table => Physical(projection, table, progress.Generation)), ct);

        await using (var advance = new NpgsqlCommand(Advance, connection, tx))
        {
            AddKey(advance, progress, events[^1].LogPosition);
            advance.Parameters.AddWithValue("count", (long)events.Count);
            await advance.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    public static string Physical(IProjection projection, string table, int generation) =>
        (projection.Tables.FirstOrDefault(t => t.Name == table)
            ?? throw new ArgumentException($"projection '{projection.Name}' declares no table '{table}'")).Physical(generation);

    private static void AddKey(NpgsqlCommand command, GenerationProgress progress, LogPosition position)
    {
        command.Parameters.AddWithValue("name", progress.Projection);
        command.Parameters.AddWithValue("generation", progress.Generation);
        command.Parameters.Add(new NpgsqlParameter<ulong>("tx", NpgsqlDbType.Xid8) { TypedValue = position.TransactionId });
        command.Parameters.AddWithValue("position", position.Position);
    }
}
