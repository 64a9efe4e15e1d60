using ZeroLagHub.Testing;

namespace ZeroLagHub.Api.Tests.Auth;

/// <summary>
/// Two API hosts on one database and one Redis, as two nodes behind a load balancer. <see cref="RedisSetting"/>
/// picks the Redis: the shared test one by default.
/// </summary>
public class TwoNodes : IAsyncLifetime
{
    public ApiFixture First { get; private set; } = null!;
    public ApiFixture Second { get; private set; } = null!;

    /// <summary>The nodes' Redis setting; null: the shared test Redis.</summary>
    protected virtual Task<string?> RedisSettingAsync() => Task.FromResult<string?>(null);

    public async Task InitializeAsync()
    {
        First = new ApiFixture();
        if (await RedisSettingAsync() is { } redis) First.Settings["Redis"] = redis;
        await First.InitializeAsync();
        Second = new OtherNode(First);
        await Second.InitializeAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await ((IAsyncLifetime)Second).DisposeAsync();
        await ((IAsyncLifetime)First).DisposeAsync();
    }

    private sealed class OtherNode(ApiFixture first) : ApiFixture(first);
}

/// <summary>Two nodes whose Redis is a loopback port nothing listens on: every session check falls back to PostgreSQL.</summary>
public sealed class TwoNodesWithoutRedis : TwoNodes
{
    protected override Task<string?> RedisSettingAsync()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return Task.FromResult<string?>($"127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port},connectTimeout=200,timeout=200");
    }
}

/// <summary>Two nodes on a redis-server of their own, which a test may empty (as a restart does: it keeps no data).</summary>
public sealed class TwoNodesOnPrivateRedis : TwoNodes
{
    public PrivateRedisServer Redis { get; private set; } = null!;

    protected override async Task<string?> RedisSettingAsync()
    {
        Redis = await PrivateRedisServer.StartAsync();
        return $"{Redis.ConnectionString},connectTimeout=300,timeout=1000";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
