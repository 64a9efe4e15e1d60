using System.Text.Json;
using Npgsql;
using ZeroLagHub.Domain.Containers;

namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>
/// Containers of the given shards that have an agent to poll: created on a host (a vmid) and neither
/// stopped by a user nor deleted. From the inline container directory, so it is current.
/// </summary>
internal static class ListPollableAgents
{
    public static async Task<IReadOnlyList<PollableAgent>> ExecuteAsync(NpgsqlDataSource dataSource, IReadOnlyCollection<int> shards,
        CancellationToken ct)
    {
        if (shards.Count == 0) return [];
        await using var command = dataSource.CreateCommand("""
            SELECT id, state FROM containers
             WHERE lifecycle IN ('provisioning', 'ready', 'error') AND state ->> 'vmid' IS NOT NULL
            """);
        var agents = new List<PollableAgent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(0);
            // The shard is a hash the database does not know: filtered here (a few thousand rows at most per cycle).
            if (shards.Contains(PollShards.Of(id)))
                agents.Add(new PollableAgent(id, JsonSerializer.Deserialize<ContainerState>(reader.GetString(1), JsonSerializerOptions.Web)!));
        }
        return agents;
    }
}
