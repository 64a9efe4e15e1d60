using System.Net;
using Microsoft.Extensions.Options;
using ZeroLagHub.Api.Auth;
using ZeroLagHub.Api.Auth.Login;
using ZeroLagHub.Api.Tests.Proxmox;

namespace ZeroLagHub.Api.Tests.Auth;

/// <summary>The throttle's arithmetic, on a clock that moves only when told (no host).</summary>
public sealed class LoginThrottleTests
{
    private readonly ManualTimeProvider _clock = new();
    private readonly LoginThrottle _throttle;

    public LoginThrottleTests() => _throttle = new LoginThrottle(_clock, Options.Create(new AuthOptions()));

    [Fact]
    public void AnAccountsFailuresFromEverywhereDelayEachAttemptDoublingUpToTheCapAndNeverRefuse()
    {
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 12; i++)
        {
            Assert.Null(_throttle.TryBegin("alice", IPAddress.Parse($"10.0.0.{i + 1}"), out _, out var delay));
            delays.Add(delay);
        }

        Assert.Equal(new double[] { 0, 0, 0, 0, 0, 1, 2, 4, 8, 10, 10, 10 }, delays.Select(d => d.TotalSeconds));
        // Another account is not slowed by alice's failures.
        Assert.Null(_throttle.TryBegin("bob", IPAddress.Parse("10.0.0.1"), out _, out var bobs));
        Assert.Equal(TimeSpan.Zero, bobs);
    }

    [Fact]
    public void FiveFailuresFromOneAddressRefuseItForTheWindowAndTheWindowEndsIt()
    {
        var address = IPAddress.Parse("10.0.0.1");
        for (var i = 0; i < 5; i++) Assert.Null(_throttle.TryBegin("alice", address, out _, out _));
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(TimeSpan.FromMinutes(14), _throttle.TryBegin("alice", address, out _, out _));
        _clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Null(_throttle.TryBegin("alice", address, out _, out _));
    }

    [Fact]
    public void ASuccessClearsItsAddressButLeavesTheOtherAddressesFailuresSlowingTheAccount()
    {
        for (var i = 0; i < 6; i++) _throttle.TryBegin("alice", IPAddress.Parse("10.0.0.9"), out _, out _);
        Assert.Null(_throttle.TryBegin("alice", IPAddress.Parse("10.0.0.1"), out var right, out _));
        _throttle.Succeeded(right);

        // 10.0.0.9 reached its limit at its fifth failure: five count for the account, and they still slow it.
        Assert.Null(_throttle.TryBegin("alice", IPAddress.Parse("10.0.0.2"), out _, out var delay));
        Assert.Equal(TimeSpan.FromSeconds(1), delay);
    }
}
