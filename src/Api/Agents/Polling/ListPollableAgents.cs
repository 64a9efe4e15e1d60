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
    /// <summary>The condition on the <c>containers</c> view that makes a row pollable.</summary>
    internal const string Pollable = "lifecycle IN ('provisioning', 'ready', 'error') AND state ->> 'vmid' IS NOT NULL";

    public static async Task<IReadOnlyList<PollableAgent>> ExecuteAsync(NpgsqlDataSource dataSource, IReadOnlyCollection<int> shards,
        CancellationToken ct)
    {
        if (shards.Count == 0) return [];
        await using var command = dataSource.CreateCommand($"SELECT id, state FROM containers WHERE {Pollable}");
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

    /// <summary>One container, whatever its shard; null when it has no agent to poll.</summary>
    public static async Task<PollableAgent?> OneAsync(NpgsqlDataSource dataSource, Guid containerId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT state FROM containers WHERE id = @id AND {Pollable}");
        command.Parameters.AddWithValue("id", containerId);
        return await command.ExecuteScalarAsync(ct) is string json
            ? new PollableAgent(containerId, JsonSerializer.Deserialize<ContainerState>(json, JsonSerializerOptions.Web)!)
            : null;
    }
}
