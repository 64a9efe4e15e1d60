using System.Net;
using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Auth.Throttling;

namespace ZeroLagHub.Api.Auth.Registration;

/// <summary>
/// Registrations per client address in a sliding window (<see cref="RegistrationLimits"/>): one address cannot make
/// accounts by the thousand, nor spend the server's CPU on password hashes. Every well-formed attempt counts,
/// taken names too (each costs a hash). In memory, per API node, like <see cref="Login.LoginThrottle"/>.
/// </summary>
public sealed class RegistrationThrottle(TimeProvider clock, IOptions<AuthOptions> options)
{
    private readonly RecentEventsByKey _addresses = new();

    /// <summary>Counts an attempt, or says how long the address must wait (429).</summary>
    public TimeSpan? TryBegin(IPAddress? client)
    {
        var now = clock.GetUtcNow();
        var limits = options.Value.Registration;
        return _addresses.Get(ClientAddress.Key(client), now, limits.Window).TryAdd(now, limits.Window, limits.MaxPerIp);
    }
}
