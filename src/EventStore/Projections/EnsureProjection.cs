using Npgsql;

namespace ZeroLagHub.EventStore.Projections;

/// <summary>
/// Registers a projection on first sight: its row, generation 1's checkpoint, tables and reader views.
/// Idempotent and safe when several nodes start at once (a transaction-scoped advisory lock per name).
/// </summary>
internal static class EnsureProjection
{
    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, IProjection projection, CancellationToken ct)
    {
        ProjectionTables.Validate(projection);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockName = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('zlh.projection.' || @name))", connection, tx))
        {
            lockName.Parameters.AddWithValue("name", projection.Name);
            await lockName.ExecuteNonQueryAsync(ct);
        }

        await using var insert = new NpgsqlCommand("""
            INSERT INTO es.projections (name) VALUES (@name) ON CONFLICT DO NOTHING;
            INSERT INTO es.projection_progress (projection, generation)
                 SELECT @name, 1 WHERE NOT EXISTS (SELECT 1 FROM es.projection_progress WHERE projection = @name);
            """, connection, tx);
        insert.Parameters.AddWithValue("name", projection.Name);
        var inserted = await insert.ExecuteNonQueryAsync(ct);
        if (inserted > 0)
        {
            await ProjectionTables.CreateGenerationAsync(projection, 1, tx, ct);
            await ProjectionTables.PointViewsAtAsync(projection, 1, tx, ct);
        }
        await tx.CommitAsync(ct);
    }
}
