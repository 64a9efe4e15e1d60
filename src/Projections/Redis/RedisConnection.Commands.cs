namespace ZeroLagHub.Projections.Redis;

// The typed commands the platform uses; anything else goes through ExecuteAsync.
public sealed partial class RedisConnection
{
    /// <summary>GET: the value as UTF-8 text, or null when the key does not exist.</summary>
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(["GET", key], cancellationToken).ConfigureAwait(false)).AsString();

    /// <summary>SET, with a time to live when <paramref name="expiry"/> is given (EX for whole seconds, PX otherwise).</summary>
    public async Task SetAsync(string key, RedisArgument value, TimeSpan? expiry = null, CancellationToken cancellationToken = default)
    {
        RedisArgument[] args = expiry switch
        {
            null => ["SET", key, value],
            { } ttl when ttl <= TimeSpan.Zero => throw new ArgumentOutOfRangeException(nameof(expiry), ttl, "a time to live must be positive"),
            { } ttl when ttl.Ticks % TimeSpan.TicksPerSecond == 0 => ["SET", key, value, "EX", (long)ttl.TotalSeconds],
            { } ttl => ["SET", key, value, "PX", Math.Max(1, (long)ttl.TotalMilliseconds)],
        };
        await ExecuteAsync(args, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>DEL: how many of the keys existed.</summary>
    public async Task<long> DeleteAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(["DEL", .. keys.Select(k => (RedisArgument)k)], cancellationToken).ConfigureAwait(false)).Integer;

    public Task<long> DeleteAsync(string key, CancellationToken cancellationToken = default) => DeleteAsync([key], cancellationToken);

    /// <summary>EXPIRE (PEXPIRE below whole seconds): false when the key does not exist.</summary>
    public async Task<bool> ExpireAsync(string key, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        if (ttl <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "a time to live must be positive");
        RedisArgument[] args = ttl.Ticks % TimeSpan.TicksPerSecond == 0
            ? ["EXPIRE", key, (long)ttl.TotalSeconds]
            : ["PEXPIRE", key, Math.Max(1, (long)ttl.TotalMilliseconds)];
        return (await ExecuteAsync(args, cancellationToken).ConfigureAwait(false)).Integer == 1;
    }

    /// <summary>PTTL: the remaining time to live; null when the key does not exist or has none.</summary>
    public async Task<TimeSpan?> TimeToLiveAsync(string key, CancellationToken cancellationToken = default)
    {
        var ms = (await ExecuteAsync(["PTTL", key], cancellationToken).ConfigureAwait(false)).Integer;
        return ms < 0 ? null : TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>MGET: one value per key, in the keys' order, null where a key does not exist.</summary>
    public async Task<string?[]> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        if (keys.Count == 0) return [];
        var reply = await ExecuteAsync(["MGET", .. keys.Select(k => (RedisArgument)k)], cancellationToken).ConfigureAwait(false);
        return reply.Items.Select(item => item.AsString()).ToArray();
    }

    /// <summary>INCR: the value after the increment.</summary>
    public async Task<long> IncrementAsync(string key, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(["INCR", key], cancellationToken).ConfigureAwait(false)).Integer;

    /// <summary>PUBLISH: how many subscribers (on this server) received the message.</summary>
    public async Task<long> PublishAsync(string channel, RedisArgument message, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(["PUBLISH", channel, message], cancellationToken).ConfigureAwait(false)).Integer;

    /// <summary>PING: the round trip time.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        await ExecuteAsync(["PING"], cancellationToken).ConfigureAwait(false);
        return _time.GetElapsedTime(started);
    }
}
