using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace ZeroLagHub.Api.Auth.Login;

/// <summary>
/// Counts failed logins per account name and per client address in a sliding window
/// (<see cref="LoginLimits"/>); once either reaches its limit, further attempts are refused until the
/// oldest failure ages out. Unknown account names are counted like real ones, so the limit says nothing
/// about which accounts exist.
/// </summary>
/// <remarks>
/// In memory, per API node: with several nodes an attacker gets the limit once per node. Good enough
/// for one node; a shared counter (Redis) is the step after. IPv6 clients are counted per /64, since one
/// host usually holds a whole /64.
/// </remarks>
public sealed class LoginThrottle(TimeProvider clock, IOptions<AuthOptions> options)
{
    private const int PruneAbove = 10_000;
    private readonly ConcurrentDictionary<string, Failures> _accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Failures> _addresses = new(StringComparer.Ordinal);
    private LoginLimits Limits => options.Value.Login;

    /// <summary>How long the caller must wait before trying again, or null when an attempt is allowed now.</summary>
    public TimeSpan? RetryAfter(string username, IPAddress? client)
    {
        var now = clock.GetUtcNow();
        var account = Wait(_accounts, AccountKey(username), Limits.MaxFailuresPerAccount, now);
        var address = Wait(_addresses, AddressKey(client), Limits.MaxFailuresPerIp, now);
        // Lifted comparison with null is false, so compare explicitly: the longer wait wins.
        if (account is null) return address;
        if (address is null) return account;
        return account > address ? account : address;
    }

    public void RecordFailure(string username, IPAddress? client)
    {
        var now = clock.GetUtcNow();
        Record(_accounts, AccountKey(username), now);
        Record(_addresses, AddressKey(client), now);
    }

    /// <summary>A correct password clears the account's failures (not the address's: others may share it).</summary>
    public void RecordSuccess(string username) => _accounts.TryRemove(AccountKey(username), out _);

    private TimeSpan? Wait(ConcurrentDictionary<string, Failures> map, string key, int max, DateTimeOffset now) =>
        map.TryGetValue(key, out var failures) ? failures.Wait(now, Limits.Window, max) : null;

    private void Record(ConcurrentDictionary<string, Failures> map, string key, DateTimeOffset now)
    {
        map.GetOrAdd(key, _ => new Failures()).Add(now, Limits.Window);
        if (map.Count <= PruneAbove) return;
        foreach (var (k, f) in map)
            if (f.IsEmpty(now, Limits.Window)) map.TryRemove(k, out _);
    }

    // Bounded, so a flood of long invented names cannot grow memory per entry.
    private static string AccountKey(string username) => username.Length > 64 ? username[..64].ToLowerInvariant() : username.ToLowerInvariant();

    private static string AddressKey(IPAddress? client)
    {
        if (client is null) return "unknown";
        if (client.IsIPv4MappedToIPv6) client = client.MapToIPv4();
        if (client.AddressFamily != AddressFamily.InterNetworkV6) return client.ToString();
        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>Failure times of one key, oldest first.</summary>
    private sealed class Failures
    {
        private readonly Queue<DateTimeOffset> _times = new();

        public void Add(DateTimeOffset now, TimeSpan window)
        {
            lock (_times)
            {
                Expire(now, window);
                _times.Enqueue(now);
            }
        }

        public TimeSpan? Wait(DateTimeOffset now, TimeSpan window, int max)
        {
            lock (_times)
            {
                Expire(now, window);
                if (_times.Count < max) return null;
                // Allowed again once enough of the oldest failures have aged out to leave max - 1.
                var releasing = _times.ElementAt(_times.Count - max);
                return releasing + window - now;
            }
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
            while (_times.Count > 0 && _times.Peek() <= now - window) _times.Dequeue();
        }
    }
}
