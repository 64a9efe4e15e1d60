using Npgsql;

namespace ZeroLagHub.Api.Auth.Refresh;

/// <summary>The family and owner of a refresh token that was already rotated; null for any other token.</summary>
internal static class FindConsumedRefreshToken
{
    private const string Sql = """
        SELECT family_id, user_id FROM zlh.refresh_tokens WHERE token_hash = @hash AND replaced_by IS NOT NULL
        """;

    public static async Task<(Guid FamilyId, Guid UserId)?> ExecuteAsync(NpgsqlDataSource db, byte[] hash, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<byte[]>("hash", hash));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetGuid(0), reader.GetGuid(1)) : null;
    }
}
