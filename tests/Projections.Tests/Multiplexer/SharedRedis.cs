using StackExchange.Redis;
using ZeroLagHub.Projections.Multiplexer;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Projections.Tests.Multiplexer;

/// <summary>
/// Multiplexers on the shared test Redis: as its default user (to look behind the API's back) and as the API's ACL
/// user, set up as the API sets it up; tests keep to keys of their own (random ids).
/// </summary>
public sealed class SharedRedis : IAsyncLifetime
{
    public ConnectionMultiplexer Admin { get; private set; } = null!;

    /// <summary>As the API connects: <see cref="RedisMultiplexer"/>, its ACL user (scripts/services.sh).</summary>
    public ConnectionMultiplexer Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var endpoints = await TestServices.GetAsync();
        Admin = await ConnectionMultiplexer.ConnectAsync(endpoints.RedisAdmin);
        Api = RedisMultiplexer.Connect(endpoints.Redis);
    }

    public async Task DisposeAsync()
    {
        await Admin.DisposeAsync();
        await Api.DisposeAsync();
    }
}
