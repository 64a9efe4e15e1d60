using System.Reflection;
using Npgsql;

namespace ZeroLagHub.Api.Storage.Schema;

/// <summary>
/// Creates and upgrades a schema from the ordered <c>V&lt;nnn&gt;__name.sql</c> scripts embedded in an
/// assembly. Safe when several nodes start at once: the whole upgrade runs in one transaction under a
/// transaction-scoped advisory lock, so the second node waits, then finds nothing left to do.
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource)
{
    /// <summary>Applies every migration of <paramref name="schema"/> newer than the recorded version.</summary>
    /// <param name="schema">The Postgres schema the scripts write into; also the module's name.</param>
    /// <param name="assembly">Holds the scripts as resources named <c><paramref name="resourcePrefix"/>V&lt;nnn&gt;__*.sql</c>.</param>
    /// <returns>The schema version after the upgrade.</returns>
    public async Task<int> MigrateAsync(string schema, Assembly assembly, string resourcePrefix, CancellationToken ct = default)
    {
        var migrations = Migration.FromResources(assembly, resourcePrefix);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        await Execute(connection, tx, "SELECT pg_advisory_xact_lock(hashtext('zlh.schema.' || @schema))",
            new NpgsqlParameter("schema", schema), ct);
        // Not CREATE SCHEMA IF NOT EXISTS: that needs CREATE on the database even when the schema exists, and the
        // API's role has no such right; a bootstrap run as the superuser made the schema (Api/Storage/Bootstrap).
        await Execute(connection, tx, $"""
            DO $$ BEGIN IF to_regnamespace('{Quote(schema)}') IS NULL THEN CREATE SCHEMA {Quote(schema)}; END IF; END $$;
            CREATE TABLE IF NOT EXISTS {Quote(schema)}.schema_version (
                version    int         PRIMARY KEY,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now());
            """, null, ct);

        await using var current = new NpgsqlCommand(
            $"SELECT coalesce(max(version), 0) FROM {Quote(schema)}.schema_version", connection, tx);
        var version = (int)(await current.ExecuteScalarAsync(ct))!;

        foreach (var migration in migrations.Where(m => m.Version > version))
        {
            await Execute(connection, tx, migration.Sql, null, ct);
            await Execute(connection, tx, $"INSERT INTO {Quote(schema)}.schema_version (version, name) VALUES ({migration.Version}, @name)",
                new NpgsqlParameter("name", migration.Name), ct);
            version = migration.Version;
        }

        await tx.CommitAsync(ct);
        // Functions and types created above are new to connections already in the pool.
        NpgsqlConnection.ClearPool(connection);
        return version;
    }

    private static string Quote(string identifier) =>
        identifier.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')
            ? identifier
            : throw new ArgumentException($"schema name '{identifier}' must be lower-case letters, digits and '_'");

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql,
        NpgsqlParameter? parameter, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        if (parameter is not null) command.Parameters.Add(parameter);
        await command.ExecuteNonQueryAsync(ct);
    }
}
