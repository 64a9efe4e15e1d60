using System.Collections.Concurrent;

namespace ZeroLagHub.Api.Auth.Throttling;

/// <summary>
/// <see cref="RecentEvents"/> per key (an account, an address, both), in memory. Keys whose events have all aged
/// out are dropped once there are many, so a flood of invented names or addresses cannot grow memory for long.
/// </summary>
public sealed class RecentEventsByKey
{
    private const int PruneAbove = 10_000;
    private readonly ConcurrentDictionary<string, RecentEvents> _keys = new(StringComparer.Ordinal);

    public RecentEvents Get(string key, DateTimeOffset now, TimeSpan window)
    {
        if (_keys.Count > PruneAbove)
            foreach (var (k, events) in _keys)
                if (events.IsEmpty(now, window)) _keys.TryRemove(k, out _);
        return _keys.GetOrAdd(key, _ => new RecentEvents());
    }

    public RecentEvents? Find(string key) => _keys.TryGetValue(key, out var events) ? events : null;

    public void Clear(string key) => _keys.TryRemove(key, out _);
}
