using System.Net;

namespace ZeroLagHub.Api.Tests.Auth;

/// <summary>A host whose account slowdown is short (the delays' values are LoginThrottleTests'), and three registrations per address.</summary>
public sealed class LockoutApi : ApiFixture
{
    public LockoutApi()
    {
        Settings["Auth:Login:FirstSlowdown"] = "00:00:00.010";
        Settings["Auth:Login:MaxSlowdown"] = "00:00:00.020";
        Settings["Auth:Registration:MaxPerIp"] = "3";
    }
}

/// <summary>Failed logins from other addresses never lock the right user out; registrations are limited per address.</summary>
public sealed class LockoutTests(LockoutApi api) : IClassFixture<LockoutApi>
{
    private static int _lastAddress;

    [Fact]
    public async Task FailuresFromOneAddressKeepThatAddressOutButNotTheRightPasswordFromAnother()
    {
        var (attacker, user) = (NewAddress(), NewAddress());
        var name = await RegisterAsync();
        for (var i = 0; i < 5; i++)
            await LoginFromAsync(attacker, name, "wrong password " + i, HttpStatusCode.Unauthorized);

        Assert.NotEqual("", await LoginFromAsync(attacker, name, AuthSteps.Password, HttpStatusCode.TooManyRequests));
        await LoginFromAsync(user, name, AuthSteps.Password, HttpStatusCode.OK);
    }

    [Fact]
    public async Task GuessesFromManyAddressesAreSlowedNotRefusedAndTheRightUserStillLogsIn()
    {
        var name = await RegisterAsync();
        // Two wrong passwords from each of ten addresses: twenty failures for the account, none at a per-address limit.
        for (var i = 0; i < 20; i++)
            await LoginFromAsync(IPAddress.Parse($"10.9.{i / 2}.1"), name, "wrong password " + i, HttpStatusCode.Unauthorized);

        await LoginFromAsync(NewAddress(), name, AuthSteps.Password, HttpStatusCode.OK);
    }

    [Fact]
    public async Task TheAdminCannotBeLockedOutByStrangers()
    {
        for (var i = 0; i < 6; i++) await LoginFromAsync(IPAddress.Parse("10.8.0.1"), "admin", "guess " + i, null);

        await LoginFromAsync(IPAddress.Parse("10.8.0.1"), "admin", ApiFixture.AdminPassword, HttpStatusCode.TooManyRequests);
        await LoginFromAsync(NewAddress(), "admin", ApiFixture.AdminPassword, HttpStatusCode.OK);
    }

    [Fact]
    public async Task RegistrationsFromOneAddressAreLimitedAndOtherAddressesAreNot()
    {
        var crowded = NewAddress();
        for (var i = 0; i < 3; i++)
            await RegisterFromAsync(crowded, AuthSteps.NewUsername("reg"), HttpStatusCode.Created);

        var retryAfter = await RegisterFromAsync(crowded, AuthSteps.NewUsername("reg"), HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(retryAfter), 3500, 3600);
        await RegisterFromAsync(NewAddress(), AuthSteps.NewUsername("reg"), HttpStatusCode.Created);
        // Invalid input is answered before counting: it costs no hash.
        await api.Host.PostFromAsync(crowded, "/api/auth/register", new { username = "x", password = "y" }, HttpStatusCode.BadRequest);
    }

    private static IPAddress NewAddress() => IPAddress.Parse($"10.1.{Interlocked.Increment(ref _lastAddress)}.1");

    private async Task<string> RegisterAsync()
    {
        var name = AuthSteps.NewUsername();
        await RegisterFromAsync(NewAddress(), name, HttpStatusCode.Created);
        return name;
    }

    /// <summary>The Retry-After seconds, or "".</summary>
    private Task<string> RegisterFromAsync(IPAddress from, string username, HttpStatusCode status) =>
        api.Host.PostFromAsync(from, "/api/auth/register", new { username, password = AuthSteps.Password }, status);

    /// <summary>The Retry-After seconds, or ""; <paramref name="status"/> null: any.</summary>
    private Task<string> LoginFromAsync(IPAddress from, string username, string password, HttpStatusCode? status) =>
        api.Host.PostFromAsync(from, "/api/auth/login", new { username, password }, status);
}
