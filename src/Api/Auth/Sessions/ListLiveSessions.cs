using Npgsql;

namespace ZeroLagHub.Api.Auth.Sessions;

/// <summary>The sessions (refresh token families) of a user that still hold a token not revoked: what a password change ends.</summary>
internal static class ListLiveSessions
{
    private const string Sql = "SELECT DISTINCT family_id FROM zlh.refresh_tokens WHERE user_id = @user AND revoked_at IS NULL";

    public static async Task<List<Guid>> ExecuteAsync(NpgsqlDataSource db, Guid userId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("user", userId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var sessions = new List<Guid>();
        while (await reader.ReadAsync(ct)) sessions.Add(reader.GetGuid(0));
        return sessions;
    }
}
