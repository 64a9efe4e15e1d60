using StackExchange.Redis;

namespace ZeroLagHub.Projections.Status;

/// <summary>
/// The Redis side of live status: the status read model's JSON per container (<c>status:&lt;id&gt;</c>), a
/// change notice on <see cref="ChangesChannel"/> for every write, and the poller's "agent last seen"
/// (<c>agent:&lt;id&gt;</c>, expiring after <see cref="AgentSeenTtl"/>). Redis is a cache here: every method throws
/// <see cref="RedisException"/> or <see cref="RedisTimeoutException"/> when Redis is unavailable
/// (<see cref="Multiplexer.RedisMultiplexer.IsUnavailable"/>), and the caller falls back to Postgres.
/// </summary>
public sealed class LiveStatusCache(IConnectionMultiplexer redis)
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
        cancellationToken.ThrowIfCancellationRequested();
        var reply = await Database.ScriptEvaluateAsync(SetIfNewerScript, [StatusKey(containerId), ChangeIdKey(containerId)],
            [json, cursor.Position, ChangesChannel, StatusChange.ToJson(containerId, cursor, json)]).ConfigureAwait(false);
        return (long)reply == 1;
    }

    private IDatabase Database => redis.GetDatabase();

    /// <summary>The cached status JSON, or null when the container has none cached (read Postgres then).</summary>
    public async Task<string?> GetStatusAsync(Guid containerId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Database.StringGetAsync(StatusKey(containerId)).ConfigureAwait(false);
    }

    /// <summary>
    /// A container's cached status and what the poller last saw of its agent (see <see cref="GetStatusAsync"/> and
    /// <see cref="GetAgentSeenAsync"/>) in one MGET: one command, one reply, where two GETs cost two of each.
    /// </summary>
    public async Task<(string? Status, string? AgentSeen)> GetStatusAndAgentSeenAsync(Guid containerId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var values = await Database.StringGetAsync([StatusKey(containerId), AgentKey(containerId)]).ConfigureAwait(false);
        return (values[0], values[1]);
    }

    /// <summary>Drops a container's cached status (deleted container, or a repair after a projection rebuild).</summary>
    public Task RemoveStatusAsync(Guid containerId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Database.KeyDeleteAsync([StatusKey(containerId), ChangeIdKey(containerId)]);
    }

    /// <summary>Records what the poller last saw of an agent; the key expires <see cref="AgentSeenTtl"/> after the last call.</summary>
    public Task SetAgentSeenAsync(Guid agentId, string json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(json);
        cancellationToken.ThrowIfCancellationRequested();
        return Database.StringSetAsync(AgentKey(agentId), json, AgentSeenTtl);
    }

    /// <summary>What the poller last saw, or null when it has not seen the agent within <see cref="AgentSeenTtl"/>.</summary>
    public async Task<string?> GetAgentSeenAsync(Guid agentId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Database.StringGetAsync(AgentKey(agentId)).ConfigureAwait(false);
    }

    /// <summary>
    /// Calls <paramref name="onChange"/> for every change published by any node, one at a time in the order Redis
    /// delivered them (a status stream's cursor must not go back). The subscription is registered at once and
    /// renewed after every reconnect; <see cref="StatusSubscription.Confirmed"/> completes once Redis has it, or throws
    /// <see cref="RedisException"/> when that takes longer than the command timeout (Redis is away; the
    /// subscription then takes effect when it is back). Messages published while the subscription was disconnected
    /// are lost: after ConnectionRestored, wait for <see cref="StatusSubscription.WaitLiveAsync"/>, then re-read the statuses.
    /// </summary>
    public static StatusSubscription Subscribe(IConnectionMultiplexer redis, Action<StatusChange> onChange)
    {
        // Fire and forget: the queue is registered even while Redis is down (an awaited SUBSCRIBE would throw and
        // leave it registered but lost to us); the multiplexer subscribes again whenever its connection is (re)made.
        var subscription = new StatusSubscription(redis, RedisChannel.Literal(ChangesChannel), onChange);
        subscription.Confirmed = ConfirmAsync();
        return subscription;

        async Task ConfirmAsync()
        {
            if (!await subscription.WaitLiveAsync(TimeSpan.FromMilliseconds(redis.TimeoutMilliseconds), CancellationToken.None).ConfigureAwait(false))
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None,
                    $"SUBSCRIBE {ChangesChannel} not confirmed within {redis.TimeoutMilliseconds} ms; it applies once the connection is back");
        }
    }
}
