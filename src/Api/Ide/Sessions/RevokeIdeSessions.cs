using Npgsql;

namespace ZeroLagHub.Api.Ide.Sessions;

/// <summary>Revokes live sessions of a user, or of a container; returns how many.</summary>
internal static class RevokeIdeSessions
{
    private const string ByUserSql = "UPDATE zlh.ide_sessions SET revoked_at = @now WHERE user_id = @id AND revoked_at IS NULL";
    private const string ByContainerSql = "UPDATE zlh.ide_sessions SET revoked_at = @now WHERE container_id = @id AND revoked_at IS NULL";

    public static Task<int> OfUserAsync(NpgsqlDataSource db, Guid userId, DateTimeOffset now, CancellationToken ct) =>
        ExecuteAsync(db, ByUserSql, userId, now, ct);

    public static Task<int> OfContainerAsync(NpgsqlDataSource db, Guid containerId, DateTimeOffset now, CancellationToken ct) =>
        ExecuteAsync(db, ByContainerSql, containerId, now, ct);

    private static async Task<int> ExecuteAsync(NpgsqlDataSource db, string sql, Guid id, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<Guid>("id", id));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        return await command.ExecuteNonQueryAsync(ct);
    }
}
