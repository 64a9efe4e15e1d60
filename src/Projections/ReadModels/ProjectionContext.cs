using Npgsql;

namespace ZeroLagHub.Projections.ReadModels;

/// <summary>The transaction a projection writes in, and the physical names of its tables in it.</summary>
public sealed class ProjectionContext(NpgsqlTransaction transaction, Func<string, string> tableName)
{
    public NpgsqlTransaction Transaction { get; } = transaction;
    public NpgsqlConnection Connection => Transaction.Connection!;

    /// <summary>The name to write to for the declared table <paramref name="name"/> (the generation being built).</summary>
    public string Table(string name) => tableName(name);

    public NpgsqlCommand Command(string sql) => new(sql, Connection, Transaction);
}
