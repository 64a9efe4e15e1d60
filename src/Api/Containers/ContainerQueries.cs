using System.Text.Json;
using Npgsql;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Containers;

/// <summary>Reads of the container directory read model (<c>containers</c>, a view over its live generation).</summary>
public sealed class ContainerQueries(NpgsqlDataSource dataSource)
{
    /// <summary>The caller's containers (an admin's: everyone's), newest first; deleted ones only when asked.</summary>
    public async Task<IReadOnlyList<ContainerState>> ListAsync(CurrentUser user, bool includeDeleted, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT state FROM containers
            WHERE (@admin OR owner = @owner) AND (@deleted OR lifecycle <> 'deleted')
            ORDER BY created_at DESC, id
            LIMIT 1000
            """);
        command.Parameters.AddWithValue("admin", user.IsAdmin);
        command.Parameters.AddWithValue("owner", user.Id.ToString());
        command.Parameters.AddWithValue("deleted", includeDeleted);
        var list = new List<ContainerState>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(JsonSerializer.Deserialize<ContainerState>(reader.GetString(0), JsonSerializerOptions.Web)!);
        return list;
    }
}
