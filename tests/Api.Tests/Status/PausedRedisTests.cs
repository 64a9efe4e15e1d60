using System.Text.Json;
using StackExchange.Redis;
using ZeroLagHub.Testing;
using static ZeroLagHub.Api.Tests.Status.StatusSteps;

namespace ZeroLagHub.Api.Tests.Status;

/// <summary>The API over a redis-server of its own, as the API's ACL user, with short command timeouts.</summary>
public sealed class PrivateRedisApi : ApiFixture
{
    public PrivateRedisServer Redis { get; private set; } = null!;

    protected override async Task OnStartingAsync()
    {
        await base.OnStartingAsync();
        Redis = await PrivateRedisServer.StartAsync();
        Settings["Redis"] = $"{Redis.ApiConnectionString},connectTimeout=300,timeout=300";
    }

    protected override async Task OnStoppedAsync()
    {
        await Redis.DisposeAsync();
        await base.OnStoppedAsync();
    }
}

/// <summary>
/// A Redis that is connected but does not answer (paused, overloaded, partitioned without a FIN): StackExchange.Redis
/// times out with a RedisTimeoutException, a TimeoutException rather than a RedisException, and the API must take that
/// as "Redis unavailable" too, for the status read and for the session check of every authenticated request.
/// </summary>
public sealed class PausedRedisTests(PrivateRedisApi api) : IClassFixture<PrivateRedisApi>
{
    [Fact]
    public async Task WhileRedisDoesNotAnswerStatusIsServedStaleFromPostgres()
    {
        var owner = Guid.NewGuid();
        var id = await StatusApiSteps.ProvisionedAsync(api.Services, owner);
        var user = api.TokenFor(owner);
        var state = await EventuallyAsync(async () =>
            await api.GetJsonAsync(user, $"/api/servers/{id}/status") is var s && !s.GetProperty("stale").GetBoolean()
                ? s.GetProperty("state").GetString() : null, "live status");

        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{api.Redis.ConnectionString},allowAdmin=true");
        // Every client, this one too, until it ends: long enough for the reads below to time out (300 ms) many times
        // over. Nothing else uses this server, which goes with the class.
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", 15_000, "ALL");
        var status = await api.GetJsonAsync(user, $"/api/servers/{id}/status");

        Assert.True(status.GetProperty("stale").GetBoolean());
        Assert.Equal(state, status.GetProperty("state").GetString());
    }
}
