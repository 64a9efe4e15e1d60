using Npgsql;

namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>
/// Agents by poller node, as PostgreSQL sees the shard leases, so any API node answers for all of them:
/// a live node is a session holding advisory locks of <see cref="ShardLeases.ClassId"/> (objid = shard, or
/// <see cref="ShardLeases.Members"/>), named by its connection's <c>application_name</c>. Its agents are the
/// pollable containers (<see cref="ListPollableAgents"/>) of its shards.
/// </summary>
/// <remarks>
/// A node that died stays listed until PostgreSQL drops its session (about 11 s, the shard connection's
/// keepalive), which is also when its shards become free. Offline agents are the ones recorded offline in
/// the container directory (or not yet seen again after a start), not the node's in-memory failure counts.
/// </remarks>
internal static class ListPollerNodes
{
    public static async Task<PollerNodes> ExecuteAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var locks = new List<(int Pid, string? Name, long ObjId)>();
        await using (var command = dataSource.CreateCommand("""
            SELECT l.pid, a.application_name, l.objid::bigint
              FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND l.classid = @class::oid
            """))
        {
            command.Parameters.AddWithValue("class", (long)ShardLeases.ClassId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                locks.Add((reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2)));
        }

        var agents = new Dictionary<int, List<(Guid Id, bool Offline)>>();
        await using (var command = dataSource.CreateCommand($"""
            SELECT id, lifecycle <> 'provisioning' AND NOT coalesce((state ->> 'agentOnline')::boolean, false)
              FROM containers WHERE {ListPollableAgents.Pollable}
            """))
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetGuid(0);
                var shard = PollShards.Of(id);
                if (!agents.TryGetValue(shard, out var list)) agents[shard] = list = [];
                list.Add((id, reader.GetBoolean(1)));
            }
        }

        IEnumerable<(Guid Id, bool Offline)> In(IEnumerable<int> shards) => shards.SelectMany(s => agents.GetValueOrDefault(s) ?? []);
        var nodes = locks.GroupBy(l => l.Pid).Select(node =>
        {
            var shards = node.Where(l => l.ObjId < PollShards.Count).Select(l => (int)l.ObjId).Order().ToList();
            var name = node.First().Name is { } application && application.StartsWith(ShardLeases.ApplicationNamePrefix, StringComparison.Ordinal)
                ? application[ShardLeases.ApplicationNamePrefix.Length..]
                : $"pid {node.Key}";
            return new PollerNode(name, node.Key, shards, In(shards).Count(), [.. In(shards).Where(a => a.Offline).Select(a => a.Id).Order()]);
        }).OrderBy(n => n.Node, StringComparer.Ordinal).ToList();
        var unheld = Enumerable.Range(0, PollShards.Count).Except(nodes.SelectMany(n => n.Shards)).ToList();
        return new PollerNodes(nodes, unheld, In(unheld).Count());
    }
}

/// <summary><c>GET /api/admin/pollers</c>: the live poller nodes, and the shards none of them holds.</summary>
/// <param name="UnheldShards">Shards no node holds now: their agents are not polled until one takes them (its next cycle).</param>
/// <param name="UnpolledAgents">Pollable containers in those shards.</param>
public sealed record PollerNodes(IReadOnlyList<PollerNode> Nodes, IReadOnlyList<int> UnheldShards, int UnpolledAgents);

/// <summary>One live poller node.</summary>
/// <param name="Node">Its name (<c>Poller:Node</c>, else machine name and process id).</param>
/// <param name="BackendPid">Its shard connection's PostgreSQL backend: <c>pg_terminate_backend</c> frees its shards for the others.</param>
/// <param name="Shards">The shards it holds, of <see cref="PollShards.Count"/>.</param>
/// <param name="Agents">The pollable containers in those shards: the agents it polls.</param>
/// <param name="Offline">Of those, the ones whose agent is recorded offline.</param>
public sealed record PollerNode(string Node, int BackendPid, IReadOnlyList<int> Shards, int Agents, IReadOnlyList<Guid> Offline);
