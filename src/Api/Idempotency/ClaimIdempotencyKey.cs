using Npgsql;

namespace ZeroLagHub.Api.Idempotency;

/// <summary>
/// Binds a key (as its command id, which is per user) to the first request sent with it
/// (<c>zlh.idempotency_keys</c>, Storage/Migrations/V007). Of two requests racing with one key, the primary
/// key lets exactly one insert; the other then reads the winner's request.
/// </summary>
public static class ClaimIdempotencyKey
{
    // Two statements, not one: an INSERT … ON CONFLICT that waited for a racing insert does not see that
    // row in the rest of its own statement's snapshot; the SELECT after it does.
    private const string InsertSql = """
        INSERT INTO zlh.idempotency_keys (command_id, user_id, request_hash, request, at)
        VALUES (@command_id, @user_id, @request_hash, @request, @at)
        ON CONFLICT (command_id) DO NOTHING
        """;

    private const string SelectSql = "SELECT request_hash, request FROM zlh.idempotency_keys WHERE command_id = @command_id";

    /// <returns>The request the key was first used for: this one when the key is new.</returns>
    public static async Task<(byte[] Hash, string Request)> ExecuteAsync(NpgsqlDataSource dataSource, Guid commandId, Guid userId,
        RequestFingerprint request, DateTimeOffset at, CancellationToken ct)
    {
        await using (var insert = dataSource.CreateCommand(InsertSql))
        {
            insert.Parameters.AddWithValue("command_id", commandId);
            insert.Parameters.AddWithValue("user_id", userId);
            insert.Parameters.AddWithValue("request_hash", request.Hash);
            insert.Parameters.AddWithValue("request", request.Request);
            insert.Parameters.AddWithValue("at", at);
            if (await insert.ExecuteNonQueryAsync(ct) == 1) return (request.Hash, request.Request);
        }
        await using var select = dataSource.CreateCommand(SelectSql);
        select.Parameters.AddWithValue("command_id", commandId);
        await using var reader = await select.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) throw new InvalidOperationException($"the claim of command id {commandId} was neither inserted nor found");
        return (reader.GetFieldValue<byte[]>(0), reader.GetString(1));
    }
}
