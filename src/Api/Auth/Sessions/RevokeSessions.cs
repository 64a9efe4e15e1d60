using Npgsql;

namespace ZeroLagHub.Api.Auth.Sessions;

/// <summary>
/// Ends sessions of <c>@user</c> in one statement: their refresh tokens are revoked and their ids listed in
/// <c>zlh.revoked_sessions</c> until <c>@expires</c> (a session already listed keeps the later expiry). Rows whose
/// expiry has passed go at the same time, so the list stays as short as the access token lifetime allows.
/// Idempotent. The user fence keeps one account from ending another's refresh tokens.
/// </summary>
internal static class RevokeSessions
{
    private const string Sql = """
        WITH refresh AS (
            UPDATE zlh.refresh_tokens SET revoked_at = @now
             WHERE user_id = @user AND family_id = ANY (@sessions) AND revoked_at IS NULL),
        purged AS (
            DELETE FROM zlh.revoked_sessions WHERE expires_at <= @now AND NOT (session_id = ANY (@sessions)))
        INSERT INTO zlh.revoked_sessions (session_id, user_id, revoked_at, expires_at)
        SELECT DISTINCT s, @user, @now, @expires FROM unnest(@sessions) AS s
        ON CONFLICT (session_id) DO UPDATE SET expires_at = GREATEST(revoked_sessions.expires_at, EXCLUDED.expires_at)
        """;

    public static async Task ExecuteAsync(NpgsqlDataSource db, Guid userId, IReadOnlyCollection<Guid> sessions,
        DateTimeOffset now, DateTimeOffset expires, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("user", userId));
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("sessions", [.. sessions]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("expires", expires));
        await command.ExecuteNonQueryAsync(ct);
    }
}
