namespace ZeroLagHub.Api.Auth.Throttling;

/// <summary>The times of one key's recent events (failed logins, registrations), oldest first, in a sliding window.</summary>
public sealed class RecentEvents
{
    private readonly List<DateTimeOffset> _times = [];

    /// <summary>Adds <paramref name="now"/> unless <paramref name="max"/> events are in the window; then the wait.</summary>
    public TimeSpan? TryAdd(DateTimeOffset now, TimeSpan window, int max)
    {
        lock (_times)
        {
            Expire(now, window);
            if (_times.Count < max)
            {
                _times.Add(now);
                return null;
            }
            // Allowed again once enough of the oldest events have aged out to leave max - 1.
            return _times[^max] + window - now;
        }
    }

    /// <summary>Adds <paramref name="now"/> whatever the count; returns how many events were in the window before it.</summary>
    public int Add(DateTimeOffset now, TimeSpan window)
    {
        lock (_times)
        {
            Expire(now, window);
            _times.Add(now);
            return _times.Count - 1;
        }
    }

    public void Remove(DateTimeOffset time)
    {
        lock (_times) _times.Remove(time);
    }

    public bool IsEmpty(DateTimeOffset now, TimeSpan window)
    {
        lock (_times)
        {
            Expire(now, window);
            return _times.Count == 0;
        }
    }

    private void Expire(DateTimeOffset now, TimeSpan window)
    {
        var expired = 0;
        while (expired < _times.Count && _times[expired] <= now - window) expired++;
        _times.RemoveRange(0, expired);
    }
}
