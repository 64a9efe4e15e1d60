using ZeroLagHub.Projections.Redis;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Projections.Tests.Redis;

/// <summary>A connection to the shared test Redis; tests keep to keys under their own random prefix.</summary>
public sealed class SharedRedis : IAsyncLifetime
{
    public RedisConnection Connection { get; private set; } = null!;

    public RedisOptions Options { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Options = RedisOptions.Parse((await TestServices.GetAsync()).Redis);
        Connection = new RedisConnection(Options);
    }

    public async Task DisposeAsync() => await Connection.DisposeAsync();

    public static string NewPrefix() => $"test:{Guid.NewGuid():N}:";
}
