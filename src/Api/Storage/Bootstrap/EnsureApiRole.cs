using Npgsql;

namespace ZeroLagHub.Api.Storage.Bootstrap;

/// <summary>
/// Creates the API's login role, or resets an existing one to exactly what it may do: log in with the given
/// password, no superuser, no CREATEROLE, no CREATEDB, no replication, no RLS bypass; plus
/// <c>pg_read_all_stats</c>, so the projection status ("what holds a projection back", reading
/// <c>pg_stat_activity</c>) and the poller listing still see other roles' sessions.
/// </summary>
/// <remarks>
/// Roles are cluster-wide: two bootstraps of two databases (parallel test classes) would race on the same
/// row (CREATE ROLE: duplicate; ALTER ROLE: "tuple concurrently updated"). A transaction-scoped advisory lock
/// serialises them; advisory locks are per database, so every caller must run this on the same one — the
/// admin connection's own database, by convention <c>postgres</c>.
/// </remarks>
internal static class EnsureApiRole
{
    // format() quotes the name (%I) and the password's verifier (%L) on the server: utility statements take no parameters.
    private const string Sql = """
        SELECT pg_advisory_xact_lock(hashtext('zlh.bootstrap.role'));
        SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = @role), false),
               format(CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = @role) THEN 'ALTER' ELSE 'CREATE' END
                      || ' ROLE %I WITH LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS INHERIT PASSWORD %L',
                      @role::text, @password::text)
                 || format('; GRANT pg_read_all_stats TO %I', @role::text);
        """;

    public static async Task ExecuteAsync(NpgsqlConnection admin, string role, string password, CancellationToken ct)
    {
        await using var tx = await admin.BeginTransactionAsync(ct);
        string statements;
        await using (var command = new NpgsqlCommand(Sql, admin, tx))
        {
            command.Parameters.AddWithValue("role", role);
            command.Parameters.AddWithValue("password", ScramVerifier.Compute(password));
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct);   // past the lock's row
            await reader.ReadAsync(ct);
            // Resetting a superuser to NOSUPERUSER could lock the operator out of their own cluster.
            if (reader.GetBoolean(0))
                throw new InvalidOperationException($"role '{role}' is a superuser: give the API a role of its own (ZLH_POSTGRES's Username)");
            statements = reader.GetString(1);
        }
        await using (var apply = new NpgsqlCommand(statements, admin, tx)) await apply.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
