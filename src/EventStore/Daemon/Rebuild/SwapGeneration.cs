using Npgsql;
using NpgsqlTypes;
using ZeroLagHub.EventStore.Daemon.Progress;
using ZeroLagHub.EventStore.Projections;
using ZeroLagHub.EventStore.Reading;

namespace ZeroLagHub.EventStore.Daemon.Rebuild;

/// <summary>
/// Makes a rebuilt generation live, in one transaction: reader views now select from it, its checkpoint
/// is the projection's, and the old generation's tables and checkpoint are dropped. Readers wait only
/// for this transaction.
/// </summary>
/// <remarks>
/// An inline projection is written by every append, so its new generation must hold every committed
/// event at the moment it goes live: the swap takes an EXCLUSIVE lock on es.events (appends wait, only
/// for the swap), applies what the rebuild has not yet seen, then swaps.
/// </remarks>
internal static class SwapGeneration
{
    private const int CatchUpBatch = 1000;

    /// <returns>true when the generation went live; false when it had moved on or a lock was busy (tried again next pass).</returns>
    public static async Task<bool> ExecuteAsync(NpgsqlDataSource dataSource, PostgresEventStore store, IProjection projection,
        GenerationProgress rebuilt, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            return await SwapAsync(store, projection, rebuilt, tx, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            // A long reader or writer held a lock the swap needs: try again on a later pass rather than
            // queue behind it and block every reader (and, for inline, every append) meanwhile.
            return false;
        }
    }

    private static async Task<bool> SwapAsync(PostgresEventStore store, IProjection projection, GenerationProgress rebuilt,
        NpgsqlTransaction tx, CancellationToken ct)
    {
        var connection = tx.Connection!;
        // Table locks first, before any row lock gives this transaction an xid that would hold the
        // cluster's horizon while it waits; and never wait long.
        await using (var setUp = new NpgsqlCommand(projection.Lifecycle == ProjectionLifecycle.Inline
            ? "SET LOCAL lock_timeout = '2s'; LOCK TABLE es.events IN EXCLUSIVE MODE"
            : "SET LOCAL lock_timeout = '2s'", connection, tx))
            await setUp.ExecuteNonQueryAsync(ct);

        await using (var lockRows = new NpgsqlCommand("""
            SELECT 1 FROM es.projections WHERE name = @name FOR UPDATE;
            SELECT 1 FROM es.projection_progress
             WHERE projection = @name AND generation = @generation AND tx_id = @tx AND position = @position AND state = 'running'
               FOR UPDATE;
            """, connection, tx))
        {
            lockRows.Parameters.AddWithValue("name", projection.Name);
            lockRows.Parameters.AddWithValue("generation", rebuilt.Generation);
            lockRows.Parameters.Add(new NpgsqlParameter<ulong>("tx", NpgsqlDbType.Xid8) { TypedValue = rebuilt.Checkpoint.TransactionId });
            lockRows.Parameters.AddWithValue("position", rebuilt.Checkpoint.Position);
            await using var reader = await lockRows.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct);
            if (!await reader.ReadAsync(ct)) return false;
        }

        var checkpoint = rebuilt.Checkpoint;
        if (projection.Lifecycle == ProjectionLifecycle.Inline)
            checkpoint = await CatchUpUnderWriteLock(store, projection, rebuilt, tx, ct);

        await ProjectionTables.PointViewsAtAsync(projection, rebuilt.Generation, tx, ct);
        await ProjectionTables.DropGenerationAsync(projection, rebuilt.LiveGeneration, tx, ct);
        await using (var promote = new NpgsqlCommand("""
            UPDATE es.projection_progress SET tx_id = @tx, position = @position, updated_at = now()
             WHERE projection = @name AND generation = @generation;
            DELETE FROM es.projection_progress WHERE projection = @name AND generation = @old;
            UPDATE es.projections SET live_generation = @generation WHERE name = @name;
            INSERT INTO es.projection_operations (projection, generation, action, operator, reason, tx_id, position)
            VALUES (@name, @generation, 'swap', 'daemon', 'rebuild caught up with the log', @tx, @position);
            """, connection, tx))
        {
            promote.Parameters.AddWithValue("name", projection.Name);
            promote.Parameters.AddWithValue("generation", rebuilt.Generation);
            promote.Parameters.AddWithValue("old", rebuilt.LiveGeneration);
            promote.Parameters.Add(new NpgsqlParameter<ulong>("tx", NpgsqlDbType.Xid8) { TypedValue = checkpoint.TransactionId });
            promote.Parameters.AddWithValue("position", checkpoint.Position);
            await promote.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return true;
    }

    /// <remarks>Runs under the EXCLUSIVE lock on es.events taken at the start of the swap.</remarks>
    private static async Task<LogPosition> CatchUpUnderWriteLock(PostgresEventStore store, IProjection projection,
        GenerationProgress rebuilt, NpgsqlTransaction tx, CancellationToken ct)
    {
        var context = new ProjectionContext(tx, table => ApplyBatch.Physical(projection, table, rebuilt.Generation));
        var checkpoint = rebuilt.Checkpoint;
        while (true)
        {
            var page = await ReadAllPage.ExecuteUnderWriteLockAsync(tx, store.Types, checkpoint, CatchUpBatch, ct);
            if (page.Events.Count == 0) return checkpoint;
            await projection.ApplyAsync(page.Events, context, ct);
            checkpoint = page.Next;
        }
    }
}
