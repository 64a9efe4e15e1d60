using Npgsql;

namespace ZeroLagHub.Api.ReadModels;

/// <summary>A read model's row in <c>zlh.read_models</c>: its live generation and the rebuild in progress, if any.</summary>
public sealed record ReadModelRow(string Name, int LiveGeneration, int? BuildGeneration, long BuildPosition, long BuildDone,
    long BuildTotal, DateTimeOffset? BuildStartedAt, string? BuildFault, DateTimeOffset UpdatedAt)
{
    private const string Columns =
        "name, live_generation, build_generation, build_position, build_done, build_total, build_started_at, build_fault, updated_at";

    public static async Task<ReadModelRow?> LoadAsync(NpgsqlDataSource dataSource, string name, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await LoadAsync(connection, null, name, forUpdate: false, ct);
    }

    /// <param name="forUpdate">Lock the row (waits for another holder).</param>
    public static async Task<ReadModelRow?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string name, bool forUpdate,
        CancellationToken ct) =>
        await QueryAsync(connection, tx, $"SELECT {Columns} FROM zlh.read_models WHERE name = @name{(forUpdate ? " FOR UPDATE" : "")}", name, ct);

    /// <summary>The row of a rebuild in progress, locked; null when none runs or another node holds it.</summary>
    public static async Task<ReadModelRow?> ClaimBuildAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string name, CancellationToken ct) =>
        await QueryAsync(connection, tx, $"""
            SELECT {Columns} FROM zlh.read_models
             WHERE name = @name AND build_generation IS NOT NULL AND build_fault IS NULL
               FOR UPDATE SKIP LOCKED
            """, name, ct);

    private static async Task<ReadModelRow?> QueryAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, string name,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.AddWithValue("name", name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new ReadModelRow(reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.GetInt64(3),
            reader.GetInt64(4), reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
            reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetFieldValue<DateTimeOffset>(8));
    }
}
