using Npgsql;

namespace ZeroLagHub.Api.Hosts.Proxmox.Enrollment;

/// <summary>Forgets a deleted container's token, whatever its state.</summary>
internal static class RevokeEnrollmentToken
{
    private const string Sql = "DELETE FROM zlh.enrollment_tokens WHERE container_id = @container";

    public static async Task ExecuteAsync(NpgsqlDataSource db, Guid containerId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("container", containerId));
        await command.ExecuteNonQueryAsync(ct);
    }
}
