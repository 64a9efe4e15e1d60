using Npgsql;

namespace ZeroLagHub.Api.Auth.Sessions;

/// <summary>Whether the session is listed as ended (a row past its expiry still says so: its tokens are dead anyway).</summary>
internal static class IsSessionRevoked
{
    private const string Sql = "SELECT EXISTS (SELECT 1 FROM zlh.revoked_sessions WHERE session_id = @session)";

    public static async Task<bool> ExecuteAsync(NpgsqlDataSource db, Guid sessionId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("session", sessionId));
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
