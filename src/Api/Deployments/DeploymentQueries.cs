using System.Text.Json;
using Npgsql;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Projections.Deployments;

namespace ZeroLagHub.Api.Deployments;

/// <summary>Reads of the deployment history (<c>deployments</c>), limited to the caller's containers unless admin.</summary>
public sealed class DeploymentQueries(NpgsqlDataSource dataSource)
{
    /// <param name="before">Keyset cursor: the <c>queuedAt</c> of the last row of the previous page.</param>
    public async Task<IReadOnlyList<DeploymentHistoryRow>> ListAsync(CurrentUser user, DeploymentFilter filter, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT d.doc FROM deployments d
            WHERE (@admin OR d.container_id IN (SELECT id FROM containers WHERE owner = @me))
              AND (@container::uuid IS NULL OR d.container_id = @container)
              AND (@user::text IS NULL OR d.requested_by = @user
                   OR d.requested_by = (SELECT id::text FROM zlh.users WHERE lower(username) = lower(@user)))
              AND (@state::text IS NULL OR d.status = @state)
              AND (@since::timestamptz IS NULL OR d.queued_at >= @since)
              AND (@until::timestamptz IS NULL OR d.queued_at < @until)
              AND (@before::timestamptz IS NULL OR d.queued_at < @before)
            ORDER BY d.queued_at DESC, d.id DESC
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("admin", user.IsAdmin);
        command.Parameters.AddWithValue("me", user.Id.ToString());
        command.Parameters.AddWithValue("container", (object?)filter.Container ?? DBNull.Value);
        command.Parameters.AddWithValue("user", (object?)filter.User ?? DBNull.Value);
        command.Parameters.AddWithValue("state", (object?)filter.State ?? DBNull.Value);
        command.Parameters.AddWithValue("since", (object?)filter.Since ?? DBNull.Value);
        command.Parameters.AddWithValue("until", (object?)filter.Until ?? DBNull.Value);
        command.Parameters.AddWithValue("before", (object?)filter.Before ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", filter.Limit);
        return await ReadAsync(command, ct);
    }

    public async Task<DeploymentHistoryRow?> GetAsync(CurrentUser user, Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT d.doc FROM deployments d
            WHERE d.id = @id AND (@admin OR d.container_id IN (SELECT id FROM containers WHERE owner = @me))
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("admin", user.IsAdmin);
        command.Parameters.AddWithValue("me", user.Id.ToString());
        return (await ReadAsync(command, ct)).FirstOrDefault();
    }

    private static async Task<IReadOnlyList<DeploymentHistoryRow>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var rows = new List<DeploymentHistoryRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(JsonSerializer.Deserialize<DeploymentHistoryRow>(reader.GetString(0), JsonSerializerOptions.Web)!);
        return rows;
    }
}
