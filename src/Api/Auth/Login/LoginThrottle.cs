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

    /// <summary>One login attempt, counted as a failure from its start until <see cref="Succeeded"/> says otherwise.</summary>
    public readonly record struct Attempt(string Account, string Address, DateTimeOffset At);

    /// <summary>
    /// Starts an attempt, or says how long the caller must wait. The attempt counts as a failure at once, under the
    /// same lock as the check: parallel guesses cannot all pass the check while the first password hash is verified.
    /// </summary>
    public TimeSpan? TryBegin(string username, IPAddress? client, out Attempt attempt)
    {
        var now = clock.GetUtcNow();
        attempt = new Attempt(AccountKey(username), AddressKey(client), now);
        var account = Entry(_accounts, attempt.Account, now);
        if (account.TryAdd(now, Limits.Window, Limits.MaxFailuresPerAccount) is { } accountWait) return accountWait;
        var address = Entry(_addresses, attempt.Address, now);
        if (address.TryAdd(now, Limits.Window, Limits.MaxFailuresPerIp) is not { } addressWait) return null;
        account.Remove(now);
        return addressWait;
    }

    /// <summary>
    /// The password was right: the account's failures are cleared, and this attempt no longer counts against the
    /// address (its other failures do: others may share it).
    /// </summary>
    public void Succeeded(Attempt attempt)
    {
        _accounts.TryRemove(attempt.Account, out _);
        if (_addresses.TryGetValue(attempt.Address, out var address)) address.Remove(attempt.At);
    }

    private Failures Entry(ConcurrentDictionary<string, Failures> map, string key, DateTimeOffset now)
    {
        if (map.Count > PruneAbove)
            foreach (var (k, f) in map)
                if (f.IsEmpty(now, Limits.Window)) map.TryRemove(k, out _);
        return map.GetOrAdd(key, _ => new Failures());
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
        private readonly List<DateTimeOffset> _times = [];

        /// <summary>Adds <paramref name="now"/> unless <paramref name="max"/> failures are in the window; then the wait.</summary>
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
                // Allowed again once enough of the oldest failures have aged out to leave max - 1.
                return _times[^max] + window - now;
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
}
