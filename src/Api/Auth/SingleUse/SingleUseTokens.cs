using Npgsql;
using ZeroLagHub.Api.Auth.Tokens;

namespace ZeroLagHub.Api.Auth.SingleUse;

/// <summary>
/// Records redeemed token ids in PostgreSQL, so a single-use token (IDE, console) is accepted once across
/// every API node. See the remarks on <see cref="TokenService"/>.
/// </summary>
public sealed class SingleUseTokens(NpgsqlDataSource db)
{
    private const string InsertSql = """
        INSERT INTO zlh.used_tokens (jti, expires_at) VALUES (@jti, @expires) ON CONFLICT DO NOTHING
        """;

    private const string DeleteExpiredSql = "DELETE FROM zlh.used_tokens WHERE expires_at < @before";

    /// <summary>True the first time <paramref name="tokenId"/> is redeemed, false every later time (on any node).</summary>
    /// <param name="expiresAt">The token's <c>exp</c>: the row is kept until then plus the tolerated clock skew.</param>
    public async Task<bool> RedeemAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken ct)
    {
        await using var command = db.CreateCommand(InsertSql);
        command.Parameters.Add(new NpgsqlParameter<string>("jti", tokenId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("expires", expiresAt + TokenService.ClockSkew));
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Forgets ids of tokens that would fail validation anyway; returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var command = db.CreateCommand(DeleteExpiredSql);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("before", now));
        return await command.ExecuteNonQueryAsync(ct);
    }
}
