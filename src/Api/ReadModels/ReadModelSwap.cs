using JasperFx.Events;
using Npgsql;
using ZeroLagHub.Api.Storage.Marten;
using ZeroLagHub.Projections.ReadModels;
using ZeroLagHub.Projections.Marten;

namespace ZeroLagHub.Api.ReadModels;

/// <summary>
/// Makes a rebuilt generation live in the build's transaction: applies what it has not yet seen, points
/// the reader views at it and drops the old one. Readers wait only for this transaction.
/// </summary>
/// <remarks>
/// The new generation must hold exactly what the live one holds at the moment it goes live:
/// <list type="bullet">
/// <item>async: the shard's progression row is locked first (the daemon's next batch updates it before
/// writing its rows, so it waits here, then writes to the new generation through the swapped views), and
/// the build catches up to that position;</item>
/// <item>inline: the views are locked (appends write through them, so those in flight finish first and
/// later ones wait), and the build catches up to every committed event.</item>
/// </list>
/// </remarks>
internal static class ReadModelSwap
{
    private const string Schema = MartenSchema.Name;
    private const int CatchUpPage = 5000;

    public delegate Task<IReadOnlyList<IEvent>> EventReader(long after, long upTo, int limit, CancellationToken ct);

    /// <returns>false when the live projection is still behind the build, or a lock was busy (tried again on a later step).</returns>
    public static async Task<bool> TryAsync(IProjection readModel, ReadModelRow build, int generation, ProjectionContext context,
        NpgsqlTransaction tx, EventReader read, CancellationToken ct)
    {
        await ExecuteAsync(tx, "SAVEPOINT swap; SET LOCAL lock_timeout = '2s'", ct);
        try
        {
            long upTo;
            if (readModel.Lifecycle == ProjectionLifecycle.Inline) upTo = long.MaxValue;
            else
            {
                await using var progress = new NpgsqlCommand(
                    $"SELECT last_seq_id FROM {Schema}.mt_event_progression WHERE name = @shard FOR UPDATE", tx.Connection, tx);
                progress.Parameters.AddWithValue("shard", ShardProgress.ShardName(readModel.Name));
                upTo = await progress.ExecuteScalarAsync(ct) is long live ? live : 0;
                // The live one has not yet applied what the build has: the daemon would apply it again.
                if (upTo < build.BuildPosition) return await ReleaseAsync(tx, ct);
            }
            foreach (var table in readModel.Tables)
                await ExecuteAsync(tx, $"LOCK TABLE {table.Name} IN ACCESS EXCLUSIVE MODE", ct);

            for (var after = build.BuildPosition; ;)
            {
                var page = await read(after, upTo, CatchUpPage, ct);
                if (page.Count == 0) break;
                await readModel.ApplyAsync([.. page.Select(SqlReadModelProjection.ToStored)], context, ct);
                after = page[^1].Sequence;
            }

            await ReadModelTables.PointViewsAtAsync(readModel, generation, tx, ct);
            await ReadModelTables.DropGenerationAsync(readModel, build.LiveGeneration, tx, ct);
            await using var promote = new NpgsqlCommand("""
                UPDATE zlh.read_models
                   SET live_generation = @generation, build_generation = NULL, build_fault = NULL, updated_at = now()
                 WHERE name = @name
                """, tx.Connection, tx);
            promote.Parameters.AddWithValue("name", readModel.Name);
            promote.Parameters.AddWithValue("generation", generation);
            await promote.ExecuteNonQueryAsync(ct);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            // A long reader or writer held a lock the swap needs: a later step tries again rather than queue
            // behind it and block every reader (and, for inline, every append) meanwhile.
            return await ReleaseAsync(tx, ct);
        }
    }

    private static async Task<bool> ReleaseAsync(NpgsqlTransaction tx, CancellationToken ct)
    {
        await ExecuteAsync(tx, "ROLLBACK TO SAVEPOINT swap", ct);
        return false;
    }

    private static async Task ExecuteAsync(NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, tx.Connection, tx);
        await command.ExecuteNonQueryAsync(ct);
    }
}
