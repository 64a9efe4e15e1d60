namespace ZeroLagHub.Api.Agents.Polling;

/// <summary>
/// What this node polls, as of its last cycle (in memory). The operators' "agents by poller node" view,
/// <c>GET /api/admin/pollers</c>, reads every node's shards from PostgreSQL instead (<see cref="ListPollerNodes"/>).
/// </summary>
/// <param name="Node">The node's name (machine name and process id unless configured).</param>
/// <param name="Shards">The shards it holds, of <see cref="PollShards.Count"/>.</param>
/// <param name="Containers">The containers whose agents it polled.</param>
/// <param name="Offline">Those whose last poll failed (in memory: the count behind the offline transition).</param>
/// <param name="CycleAt">When the last cycle started; null before the first.</param>
public sealed record PollerAssignment(
    string Node,
    IReadOnlyList<int> Shards,
    IReadOnlyList<Guid> Containers,
    IReadOnlyList<Guid> Offline,
    DateTimeOffset? CycleAt,
    TimeSpan CycleDuration)
{
    public static PollerAssignment None(string node) => new(node, [], [], [], null, TimeSpan.Zero);
}
