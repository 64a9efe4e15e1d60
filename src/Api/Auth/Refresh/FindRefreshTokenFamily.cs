using Npgsql;

namespace ZeroLagHub.Api.Auth.Refresh;

/// <summary>The family (session) of a refresh token, only when the token is <c>@user</c>'s; null otherwise.</summary>
internal static class FindRefreshTokenFamily
{
    private const string Sql = "SELECT family_id FROM zlh.refresh_tokens WHERE token_hash = @hash AND user_id = @user";

    public static async Task<Guid?> ExecuteAsync(NpgsqlDataSource db, byte[] hash, Guid userId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<byte[]>("hash", hash));
        command.Parameters.Add(new NpgsqlParameter<Guid>("user", userId));
        return await command.ExecuteScalarAsync(ct) is Guid family ? family : null;
    }
}
