using Npgsql;

namespace ZeroLagHub.Api.Auth.Refresh;

/// <summary>
/// Logout: revokes the family of the given token, only when that token belongs to <c>@user</c> (someone
/// else's token changes nothing). Returns how many tokens were revoked.
/// </summary>
internal static class RevokeRefreshTokenFamilyOf
{
    private const string Sql = """
        UPDATE zlh.refresh_tokens SET revoked_at = @now
         WHERE family_id = (SELECT family_id FROM zlh.refresh_tokens WHERE token_hash = @hash AND user_id = @user)
           AND revoked_at IS NULL
        """;

    public static async Task<int> ExecuteAsync(NpgsqlDataSource db, byte[] hash, Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<byte[]>("hash", hash));
        command.Parameters.Add(new NpgsqlParameter<Guid>("user", userId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        return await command.ExecuteNonQueryAsync(ct);
    }
}
