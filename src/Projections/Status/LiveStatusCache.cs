using ZeroLagHub.Projections.Redis;

namespace ZeroLagHub.Projections.Status;

/// <summary>
/// The Redis side of live status: the status read model's JSON per container (<c>status:&lt;id&gt;</c>), a
/// change notice on <see cref="ChangesChannel"/> for every write, and the poller's "agent last seen"
/// (<c>agent:&lt;id&gt;</c>, expiring after <see cref="AgentSeenTtl"/>). Redis is a cache here: every method throws
/// <see cref="RedisException"/> when Redis is unavailable, and the caller falls back to Postgres.
/// </summary>
public sealed class LiveStatusCache(RedisConnection redis)
{
    public const string ChangesChannel = "status-changes";

    /// <summary>Three poll periods: a key that expired means "not seen lately", never "offline" (that is an event).</summary>
    public static readonly TimeSpan AgentSeenTtl = TimeSpan.FromSeconds(15);

    // Write, remember the change id and publish in one atomic step, and refuse a change older than the one
    // cached: a deposed projection leader that writes late must not roll the cache back. An equal id is
    // re-applied, so a retried batch is harmless. Lua numbers are doubles: exact for positions below 2^53.
    private const string SetIfNewerScript = """
        local current = tonumber(redis.call('GET', KEYS[2]) or '-1')
        if tonumber(ARGV[2]) < current then return 0 end
        redis.call('SET', KEYS[1], ARGV[1])
        redis.call('SET', KEYS[2], ARGV[2])
        redis.call('PUBLISH', ARGV[3], ARGV[4])
        return 1
        """;

    public static string StatusKey(Guid containerId) => $"status:{containerId:D}";

    public static string AgentKey(Guid agentId) => $"agent:{agentId:D}";

    private static string ChangeIdKey(Guid containerId) => $"status-change:{containerId:D}";

    /// <summary>
    /// Caches a container's status JSON and publishes it as a <see cref="StatusChange"/> at <paramref name="cursor"/>
    /// (the log order of the event that produced it). Returns false, changing nothing and publishing nothing,
    /// when the cache already holds a newer change for this container.
    /// </summary>
    public async Task<bool> SetStatusAsync(Guid containerId, string json, StatusCursor cursor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(json);
        ArgumentOutOfRangeException.ThrowIfNegative(cursor.Position);
        // Per container the position alone orders changes: one stream's events take increasing positions.
        var reply = await redis.ExecuteAsync(
            ["EVAL", SetIfNewerScript, 2, StatusKey(containerId), ChangeIdKey(containerId), json, cursor.Position, ChangesChannel,
             StatusChange.ToJson(containerId, cursor, json)],
            cancellationToken).ConfigureAwait(false);
        return reply.Integer == 1;
    }

    /// <summary>The cached status JSON, or null when the container has none cached (read Postgres then).</summary>
    public Task<string?> GetStatusAsync(Guid containerId, CancellationToken cancellationToken = default) =>
        redis.GetAsync(StatusKey(containerId), cancellationToken);

    /// <summary>
    /// A container's cached status and what the poller last saw of its agent (see <see cref="GetStatusAsync"/> and
    /// <see cref="GetAgentSeenAsync"/>) in one MGET: one command, one reply, where two GETs cost two of each.
    /// </summary>
    public async Task<(string? Status, string? AgentSeen)> GetStatusAndAgentSeenAsync(Guid containerId, CancellationToken cancellationToken = default)
    {
        var values = await redis.GetManyAsync([StatusKey(containerId), AgentKey(containerId)], cancellationToken).ConfigureAwait(false);
        return (values[0], values[1]);
    }

    /// <summary>Drops a container's cached status (deleted container, or a repair after a projection rebuild).</summary>
    public Task RemoveStatusAsync(Guid containerId, CancellationToken cancellationToken = default) =>
        redis.DeleteAsync([StatusKey(containerId), ChangeIdKey(containerId)], cancellationToken);

    /// <summary>Records what the poller last saw of an agent; the key expires <see cref="AgentSeenTtl"/> after the last call.</summary>
    public Task SetAgentSeenAsync(Guid agentId, string json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(json);
        return redis.SetAsync(AgentKey(agentId), json, AgentSeenTtl, cancellationToken);
    }

    /// <summary>What the poller last saw, or null when it has not seen the agent within <see cref="AgentSeenTtl"/>.</summary>
    public Task<string?> GetAgentSeenAsync(Guid agentId, CancellationToken cancellationToken = default) =>
        redis.GetAsync(AgentKey(agentId), cancellationToken);

    /// <summary>
    /// Calls <paramref name="onChange"/> for every change published by any node. Messages published while the
    /// subscriber was disconnected are lost: re-read the statuses in <see cref="RedisSubscriber.Reconnected"/>.
    /// </summary>
    public static Task SubscribeAsync(RedisSubscriber subscriber, Action<StatusChange> onChange, CancellationToken cancellationToken = default) =>
        subscriber.SubscribeAsync(ChangesChannel, message =>
        {
            if (StatusChange.TryParse(message) is { } change) onChange(change);
        }, cancellationToken);
}
