using Npgsql;

namespace ZeroLagHub.Api.Hosts.Proxmox.Enrollment;

/// <summary>
/// Stores a container's new token hash, replacing (and so voiding) any earlier one, used or not, and
/// deletes rows that expired before <c>@stale</c>. Cleaning up here, rather than on a timer, keeps the
/// table as small as the number of recent deployments without another background service.
/// </summary>
internal static class IssueEnrollmentToken
{
    private const string Sql = """
        DELETE FROM zlh.enrollment_tokens WHERE expires_at < @stale;
        INSERT INTO zlh.enrollment_tokens (container_id, token_hash, issued_at, expires_at, used_at)
        VALUES (@container, @hash, @now, @expires, NULL)
        ON CONFLICT (container_id) DO UPDATE
           SET token_hash = excluded.token_hash, issued_at = excluded.issued_at, expires_at = excluded.expires_at, used_at = NULL;
        """;

    public static async Task ExecuteAsync(NpgsqlDataSource db, Guid containerId, byte[] hash, DateTimeOffset now, DateTimeOffset expires,
        DateTimeOffset stale, CancellationToken ct)
    {
        await using var command = db.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("container", containerId));
        command.Parameters.Add(new NpgsqlParameter<byte[]>("hash", hash));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("expires", expires));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("stale", stale));
        await command.ExecuteNonQueryAsync(ct);
    }
}
