using Npgsql;

namespace ZeroLagHub.Api.Portal.Session;

/// <summary>
/// The session a portal cookie stands for: its refresh token, live (not consumed, revoked or expired) and its account
/// not disabled. Ending the session (sign-out, logout, password change, a reused refresh token) revokes the token, so
/// the next request is refused on every node without a cache to invalidate.
/// </summary>
internal static class FindPortalSession
{
    private const string Sql = """
        SELECT u.id, u.username, u.roles, t.family_id
          FROM zlh.refresh_tokens t JOIN zlh.users u ON u.id = t.user_id
         WHERE t.token_hash = @hash AND t.revoked_at IS NULL AND t.replaced_by IS NULL AND t.expires_at > @now AND NOT u.disabled
        """;

    public static async Task<PortalSession?> ExecuteAsync(NpgsqlDataSource db, byte[] hash, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<byte[]>("hash", hash));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new PortalSession(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), reader.GetGuid(3));
    }
}
