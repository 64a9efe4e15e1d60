using Npgsql;

namespace ZeroLagHub.Api.Auth.Refresh;

internal static class InsertRefreshToken
{
    private const string Sql = """
        INSERT INTO zlh.refresh_tokens (id, token_hash, user_id, family_id, created_at, expires_at)
        VALUES (@id, @hash, @user, @family, @created, @expires)
        """;

    public static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid id, byte[] hash,
        Guid userId, Guid familyId, DateTimeOffset created, DateTimeOffset expires, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Sql, connection, tx);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        command.Parameters.Add(new NpgsqlParameter<byte[]>("hash", hash));
        command.Parameters.Add(new NpgsqlParameter<Guid>("user", userId));
        command.Parameters.Add(new NpgsqlParameter<Guid>("family", familyId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("created", created));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("expires", expires));
        await command.ExecuteNonQueryAsync(ct);
    }
}
