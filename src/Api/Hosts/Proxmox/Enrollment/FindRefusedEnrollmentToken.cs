using Npgsql;

namespace ZeroLagHub.Api.Hosts.Proxmox.Enrollment;

/// <summary>
/// Why a token that <see cref="RedeemEnrollmentToken"/> refused was refused. A separate statement on
/// purpose: it sees what a concurrent exchange committed meanwhile, so the loser of a race is told
/// "already used" rather than a reason read from the snapshot before the winner's commit.
/// </summary>
internal static class FindRefusedEnrollmentToken
{
    private const string Sql = """
        SELECT used_at IS NOT NULL FROM zlh.enrollment_tokens WHERE container_id = @container AND token_hash = @hash
        """;

    public static async Task<EnrollmentFailure> ExecuteAsync(NpgsqlDataSource db, Guid containerId, byte[] hash, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("container", containerId));
        command.Parameters.Add(new NpgsqlParameter<byte[]>("hash", hash));
        return await command.ExecuteScalarAsync(ct) switch
        {
            true => EnrollmentFailure.AlreadyUsed,
            false => EnrollmentFailure.Expired,
            _ => EnrollmentFailure.Unknown,
        };
    }
}
