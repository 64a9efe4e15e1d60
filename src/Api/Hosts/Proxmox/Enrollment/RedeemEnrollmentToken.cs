using Npgsql;

namespace ZeroLagHub.Api.Hosts.Proxmox.Enrollment;

/// <summary>
/// Marks the token used if, and only if, it is this container's current one, unused and unexpired. One
/// UPDATE decides: of two API nodes exchanging the same token at once, the row lock makes the second
/// re-check <c>used_at IS NULL</c> after the first commits, so exactly one gets a row back.
/// </summary>
/// <remarks>
/// Matching on the hash in SQL is not a timing oracle worth closing: the hash of a 256-bit random
/// token reveals nothing an attacker can steer towards the token.
/// </remarks>
internal static class RedeemEnrollmentToken
{
    private const string Sql = """
        UPDATE zlh.enrollment_tokens SET used_at = @now
         WHERE container_id = @container AND token_hash = @hash AND used_at IS NULL AND expires_at > @now
        RETURNING container_id
        """;

    /// <returns>True when this call consumed the token.</returns>
    public static async Task<bool> ExecuteAsync(NpgsqlDataSource db, Guid containerId, byte[] hash, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("container", containerId));
        command.Parameters.Add(new NpgsqlParameter<byte[]>("hash", hash));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct);
    }
}
