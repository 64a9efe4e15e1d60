using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

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

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientAddressHeader>());
    }
}

/// <summary>Failed logins from other addresses never lock the right user out; registrations are limited per address.</summary>
public sealed class LockoutTests(LockoutApi api) : IClassFixture<LockoutApi>
{
    private static int _lastAddress;
    private readonly HttpClient _client = api.CreateClient();

    [Fact]
    public async Task FailuresFromOneAddressKeepThatAddressOutButNotTheRightPasswordFromAnother()
    {
        var (attacker, user) = (NewAddress(), NewAddress());
        var name = await RegisterAsync();
        for (var i = 0; i < 5; i++)
            Assert.Equal(401, (await LoginFromAsync(attacker, name, "wrong password " + i)).Status);

        var locked = await LoginFromAsync(attacker, name, AuthSteps.Password);
        Assert.Equal(429, locked.Status);
        Assert.NotEqual("", locked.RetryAfter);
        Assert.Equal(200, (await LoginFromAsync(user, name, AuthSteps.Password)).Status);
    }

    [Fact]
    public async Task GuessesFromManyAddressesAreSlowedNotRefusedAndTheRightUserStillLogsIn()
    {
        var name = await RegisterAsync();
        // Two wrong passwords from each of ten addresses: twenty failures for the account, none at a per-address limit.
        for (var i = 0; i < 20; i++)
            Assert.Equal(401, (await LoginFromAsync(IPAddress.Parse($"10.9.{i / 2}.1"), name, "wrong password " + i)).Status);

        Assert.Equal(200, (await LoginFromAsync(NewAddress(), name, AuthSteps.Password)).Status);
    }

    [Fact]
    public async Task TheAdminCannotBeLockedOutByStrangers()
    {
        for (var i = 0; i < 6; i++) await LoginFromAsync(IPAddress.Parse("10.8.0.1"), "admin", "guess " + i);

        Assert.Equal(429, (await LoginFromAsync(IPAddress.Parse("10.8.0.1"), "admin", ApiFixture.AdminPassword)).Status);
        Assert.Equal(200, (await LoginFromAsync(NewAddress(), "admin", ApiFixture.AdminPassword)).Status);
    }

    [Fact]
    public async Task RegistrationsFromOneAddressAreLimitedAndOtherAddressesAreNot()
    {
        var crowded = NewAddress();
        for (var i = 0; i < 3; i++)
            Assert.Equal(201, (await RegisterFromAsync(crowded, AuthSteps.NewUsername("reg"))).Status);

        var refused = await RegisterFromAsync(crowded, AuthSteps.NewUsername("reg"));
        Assert.Equal(429, refused.Status);
        Assert.InRange(int.Parse(refused.RetryAfter), 3500, 3600);
        Assert.Equal(201, (await RegisterFromAsync(NewAddress(), AuthSteps.NewUsername("reg"))).Status);
        // Invalid input is answered before counting: it costs no hash.
        Assert.Equal(400, (await _client.PostFromAsync(crowded, "/api/auth/register", new { username = "x", password = "y" })).Status);
    }

    private static IPAddress NewAddress() => IPAddress.Parse($"10.1.{Interlocked.Increment(ref _lastAddress)}.1");

    private async Task<string> RegisterAsync()
    {
        var name = AuthSteps.NewUsername();
        Assert.Equal(201, (await RegisterFromAsync(NewAddress(), name)).Status);
        return name;
    }

    private Task<(int Status, string RetryAfter)> RegisterFromAsync(IPAddress from, string username) =>
        _client.PostFromAsync(from, "/api/auth/register", new { username, password = AuthSteps.Password });

    private Task<(int Status, string RetryAfter)> LoginFromAsync(IPAddress from, string username, string password) =>
        _client.PostFromAsync(from, "/api/auth/login", new { username, password });
}
