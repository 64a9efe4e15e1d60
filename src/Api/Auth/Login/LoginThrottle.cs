using System.Net;
using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Auth.Throttling;

namespace ZeroLagHub.Api.Auth.Login;

/// <summary>
/// Counts failed logins in a sliding window (<see cref="LoginLimits"/>) three ways:
/// <list type="bullet">
/// <item>per account and address: at its limit that address gets 429 for that account, even with the right password;</item>
/// <item>per address: at its limit the address gets 429 for every account (one address guessing many names);</item>
/// <item>per account, from anywhere: never a refusal, only a delay before the password is checked, growing with
/// the count (<see cref="LoginLimits.SlowdownFor"/>). Refusing here would let anyone lock anyone out, the admin
/// included, with a few wrong passwords; an address that has not been failing always gets its answer.</item>
/// </list>
/// Unknown account names are counted like real ones, so nothing here says which accounts exist.
/// </summary>
/// <remarks>
/// In memory, per API node: with several nodes an attacker gets the limits once per node. Good enough for one
/// node; a shared counter (Redis) is the step after.
/// </remarks>
public sealed class LoginThrottle(TimeProvider clock, IOptions<AuthOptions> options)
{
    private readonly RecentEventsByKey _pairs = new();
    private readonly RecentEventsByKey _addresses = new();
    private readonly RecentEventsByKey _accounts = new();
    private LoginLimits Limits => options.Value.Login;

    /// <summary>One login attempt, counted as a failure from its start until <see cref="Succeeded"/> says otherwise.</summary>
    public readonly record struct Attempt(string Account, string Address, DateTimeOffset At)
    {
        internal string Pair => Account + "\n" + Address;
    }

    /// <summary>
    /// Starts an attempt, or says how long the caller must wait before the next one (429). The attempt counts as a
    /// failure at once, under the same lock as the check: parallel guesses cannot all pass the check while the first
    /// password hash is verified. <paramref name="delay"/> is how long to hold the attempt before checking the password.
    /// </summary>
    public TimeSpan? TryBegin(string username, IPAddress? client, out Attempt attempt, out TimeSpan delay)
    {
        var now = clock.GetUtcNow();
        var window = Limits.Window;
        attempt = new Attempt(AccountKey(username), ClientAddress.Key(client), now);
        delay = TimeSpan.Zero;
        var pair = _pairs.Get(attempt.Pair, now, window);
        if (pair.TryAdd(now, window, Limits.MaxFailuresPerAccountFromIp) is { } pairWait) return pairWait;
        var address = _addresses.Get(attempt.Address, now, window);
        if (address.TryAdd(now, window, Limits.MaxFailuresPerIp) is { } addressWait)
        {
            pair.Remove(now);
            return addressWait;
        }
        delay = Limits.SlowdownFor(_accounts.Get(attempt.Account, now, window).Add(now, window));
        return null;
    }

    /// <summary>
    /// The password was right: this address's failures for the account are cleared, and this attempt no longer counts
    /// against the address or the account. Their other failures do: others may share the address, and guesses at the
    /// account from elsewhere go on being slowed.
    /// </summary>
    public void Succeeded(Attempt attempt)
    {
        _pairs.Clear(attempt.Pair);
        _addresses.Find(attempt.Address)?.Remove(attempt.At);
        _accounts.Find(attempt.Account)?.Remove(attempt.At);
    }

    // Bounded, so a flood of long invented names cannot grow memory per entry.
    private static string AccountKey(string username) => username.Length > 64 ? username[..64].ToLowerInvariant() : username.ToLowerInvariant();
}
