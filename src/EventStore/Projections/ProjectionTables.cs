using Npgsql;

namespace ZeroLagHub.EventStore.Projections;

/// <summary>DDL for a projection's generations: the physical tables of one, and the reader views over the live one.</summary>
internal static class ProjectionTables
{
    public static async Task CreateGenerationAsync(IProjection projection, int generation, NpgsqlTransaction tx, CancellationToken ct)
    {
        foreach (var table in projection.Tables)
        {
            await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {table.Physical(generation)}", tx.Connection, tx);
            await drop.ExecuteNonQueryAsync(ct);
            await using var create = new NpgsqlCommand(table.Ddl.Replace("{table}", table.Physical(generation)), tx.Connection, tx);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Points each reader view at <paramref name="generation"/>. Readers block only for this transaction.</summary>
    public static async Task PointViewsAtAsync(IProjection projection, int generation, NpgsqlTransaction tx, CancellationToken ct)
    {
        foreach (var table in projection.Tables)
        {
            // DROP + CREATE, not CREATE OR REPLACE: a new generation may have different columns.
            await using var command = new NpgsqlCommand(
                $"DROP VIEW IF EXISTS {table.Name}; CREATE VIEW {table.Name} AS SELECT * FROM {table.Physical(generation)}",
                tx.Connection, tx);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    public static async Task DropGenerationAsync(IProjection projection, int generation, NpgsqlTransaction tx, CancellationToken ct)
    {
        foreach (var table in projection.Tables)
        {
            await using var command = new NpgsqlCommand($"DROP TABLE IF EXISTS {table.Physical(generation)}", tx.Connection, tx);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    public static void Validate(IProjection projection)
    {
        if (!IsIdentifier(projection.Name)) throw new ArgumentException($"projection name '{projection.Name}' must be lower-case letters, digits and '_'");
        foreach (var table in projection.Tables)
        {
            if (!IsIdentifier(table.Name)) throw new ArgumentException($"table name '{table.Name}' must be lower-case letters, digits and '_'");
            if (!table.Ddl.Contains("{table}")) throw new ArgumentException($"the DDL of '{table.Name}' must create {{table}}");
        }
    }

    private static bool IsIdentifier(string name) =>
        name.Length is > 0 and < 48 && char.IsAsciiLetterLower(name[0]) &&
        name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}
