using Npgsql;

namespace ZeroLagHub.Api.Auth.Refresh;

/// <summary>Revokes every token of a family that is not revoked yet; returns how many.</summary>
internal static class RevokeRefreshTokenFamily
{
    private const string Sql = """
        UPDATE zlh.refresh_tokens SET revoked_at = @now WHERE family_id = @family AND revoked_at IS NULL
        """;

    public static async Task<int> ExecuteAsync(NpgsqlDataSource db, Guid familyId, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("family", familyId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        return await command.ExecuteNonQueryAsync(ct);
    }
}
