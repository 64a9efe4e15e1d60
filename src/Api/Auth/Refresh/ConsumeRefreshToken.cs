using Npgsql;
using ZeroLagHub.Api.Auth.Accounts;

namespace ZeroLagHub.Api.Auth.Refresh;

/// <summary>
/// Marks a live refresh token as replaced by <c>@next</c> and returns its (enabled) owner and family.
/// Null when the token is unknown, expired, revoked, already consumed, or its owner is disabled: the
/// fence is the WHERE clause, so of two concurrent rotations of one token exactly one succeeds.
/// </summary>
internal static class ConsumeRefreshToken
{
    private const string Sql = $"""
        WITH consumed AS (
            UPDATE zlh.refresh_tokens SET replaced_by = @next
             WHERE token_hash = @hash AND replaced_by IS NULL AND revoked_at IS NULL AND expires_at > @now
            RETURNING user_id, family_id)
        SELECT {UserAccount.Columns}, consumed.family_id
          FROM consumed JOIN zlh.users ON users.id = consumed.user_id
         WHERE NOT users.disabled
        """;

    public static async Task<(UserAccount User, Guid FamilyId)?> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx,
        byte[] hash, Guid next, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Sql, connection, tx);
        command.Parameters.Add(new NpgsqlParameter<byte[]>("hash", hash));
        command.Parameters.Add(new NpgsqlParameter<Guid>("next", next));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (UserAccount.Read(reader), reader.GetGuid(6));
    }
}
