using Npgsql;
using ZeroLagHub.Projections.ReadModels;

namespace ZeroLagHub.Api.ReadModels;

/// <summary>
/// DDL for a read model's generations: the physical tables of one (<c>{name}_g{n}</c>), and the reader
/// views over the live one. Registered on first sight in <c>zlh.read_models</c>.
/// </summary>
public static class ReadModelTables
{
    /// <summary>
    /// Creates generation 1 and its views when the read model is new. Idempotent and safe when several
    /// nodes start at once (a transaction-scoped advisory lock per name).
    /// </summary>
    public static async Task EnsureAsync(NpgsqlDataSource dataSource, IProjection readModel, CancellationToken ct)
    {
        Validate(readModel);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockName = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('zlh.read_model.' || @name))", connection, tx))
        {
            lockName.Parameters.AddWithValue("name", readModel.Name);
            await lockName.ExecuteNonQueryAsync(ct);
        }
        await using var insert = new NpgsqlCommand("INSERT INTO zlh.read_models (name) VALUES (@name) ON CONFLICT DO NOTHING", connection, tx);
        insert.Parameters.AddWithValue("name", readModel.Name);
        if (await insert.ExecuteNonQueryAsync(ct) > 0)
        {
            await CreateGenerationAsync(readModel, 1, tx, ct);
            await PointViewsAtAsync(readModel, 1, tx, ct);
        }
        await tx.CommitAsync(ct);
    }

    public static async Task CreateGenerationAsync(IProjection readModel, int generation, NpgsqlTransaction tx, CancellationToken ct)
    {
        foreach (var table in readModel.Tables)
        {
            await ExecuteAsync(tx, $"DROP TABLE IF EXISTS {table.Physical(generation)}", ct);
            await ExecuteAsync(tx, table.Ddl.Replace("{table}", table.Physical(generation)), ct);
        }
    }

    /// <summary>Points each reader view at <paramref name="generation"/>. Readers block only for this transaction.</summary>
    public static async Task PointViewsAtAsync(IProjection readModel, int generation, NpgsqlTransaction tx, CancellationToken ct)
    {
        // DROP + CREATE, not CREATE OR REPLACE: a new generation may have different columns.
        foreach (var table in readModel.Tables)
            await ExecuteAsync(tx, $"DROP VIEW IF EXISTS {table.Name}; CREATE VIEW {table.Name} AS SELECT * FROM {table.Physical(generation)}", ct);
    }

    public static async Task DropGenerationAsync(IProjection readModel, int generation, NpgsqlTransaction tx, CancellationToken ct)
    {
        foreach (var table in readModel.Tables)
            await ExecuteAsync(tx, $"DROP TABLE IF EXISTS {table.Physical(generation)}", ct);
    }

    /// <summary>The physical name of <paramref name="table"/> (a declared table's name) in <paramref name="generation"/>.</summary>
    public static string Physical(IProjection readModel, string table, int generation) =>
        readModel.Tables.SingleOrDefault(t => t.Name == table)?.Physical(generation)
        ?? throw new ArgumentException($"read model '{readModel.Name}' declares no table '{table}'", nameof(table));

    private static void Validate(IProjection readModel)
    {
        if (!IsIdentifier(readModel.Name)) throw new ArgumentException($"read model name '{readModel.Name}' must be lower-case letters, digits and '_'");
        foreach (var table in readModel.Tables)
        {
            if (!IsIdentifier(table.Name)) throw new ArgumentException($"table name '{table.Name}' must be lower-case letters, digits and '_'");
            if (!table.Ddl.Contains("{table}")) throw new ArgumentException($"the DDL of '{table.Name}' must create {{table}}");
        }
    }

    private static bool IsIdentifier(string name) =>
        name.Length is > 0 and < 48 && char.IsAsciiLetterLower(name[0]) &&
        name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    private static async Task ExecuteAsync(NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, tx.Connection, tx);
        await command.ExecuteNonQueryAsync(ct);
    }
}
