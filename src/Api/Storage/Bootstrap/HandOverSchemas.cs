using Npgsql;

namespace ZeroLagHub.Api.Storage.Bootstrap;

/// <summary>
/// In the API's database: creates every schema of <see cref="ApiSchemas"/> owned by the API's role, hands
/// over whatever an earlier superuser-run API made in them (tables, views, sequences, functions), and lets
/// only that role (and superusers) connect. Idempotent.
/// </summary>
/// <remarks>
/// Handing over is the upgrade path: before the bootstrap existed the API migrated as the superuser, so
/// its tables belong to <c>postgres</c>. A sequence behind an identity column follows its table (changing
/// it directly is refused), hence tables first, then the sequences still owned by someone else.
/// </remarks>
internal static class HandOverSchemas
{
    private const string Sql = """
        DO $$
        DECLARE
            role_name text := current_setting('zlh.bootstrap_role');
            schemas   text[] := string_to_array(current_setting('zlh.bootstrap_schemas'), ',');
            s         text;
            r         record;
        BEGIN
            EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
            EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), role_name);
            FOREACH s IN ARRAY schemas LOOP
                EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', s, role_name);
                EXECUTE format('ALTER SCHEMA %I OWNER TO %I', s, role_name);
            END LOOP;
            FOR r IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname = ANY (schemas) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                        AND c.relowner <> role_name::regrole LOOP
                EXECUTE format('ALTER TABLE %s OWNER TO %I', r.name, role_name);
            END LOOP;
            FOR r IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname = ANY (schemas) AND c.relkind = 'S' AND c.relowner <> role_name::regrole LOOP
                EXECUTE format('ALTER SEQUENCE %s OWNER TO %I', r.name, role_name);
            END LOOP;
            FOR r IN SELECT p.oid::regprocedure AS name, p.prokind FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                      WHERE n.nspname = ANY (schemas) AND p.proowner <> role_name::regrole LOOP
                EXECUTE format('ALTER %s %s OWNER TO %I', CASE r.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, r.name, role_name);
            END LOOP;
        END
        $$;
        """;

    public static async Task ExecuteAsync(NpgsqlConnection admin, string role, CancellationToken ct)
    {
        await using var tx = await admin.BeginTransactionAsync(ct);
        // A DO block takes no parameters: the role and schemas reach it as transaction-local settings.
        await using (var settings = new NpgsqlCommand(
            "SELECT set_config('zlh.bootstrap_role', @role, true), set_config('zlh.bootstrap_schemas', @schemas, true)", admin, tx))
        {
            settings.Parameters.AddWithValue("role", role);
            settings.Parameters.AddWithValue("schemas", string.Join(',', ApiSchemas.All));
            await settings.ExecuteNonQueryAsync(ct);
        }
        await using (var command = new NpgsqlCommand(Sql, admin, tx)) await command.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
