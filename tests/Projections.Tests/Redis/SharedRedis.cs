using ZeroLagHub.Projections.Redis;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Projections.Tests.Redis;

/// <summary>A connection to the shared test Redis; tests keep to keys under their own random prefix.</summary>
public sealed class SharedRedis : IAsyncLifetime
{
    public RedisConnection Connection { get; private set; } = null!;

    public RedisOptions Options { get; private set; } = null!;

    /// <summary>The setting as given (host:port,password=…): <see cref="RedisOptions.EndPoint"/> alone gets NOAUTH.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = (await TestServices.GetAsync()).RedisAdmin;
        Options = RedisOptions.Parse(ConnectionString);
        Connection = new RedisConnection(Options);
    }

    public async Task DisposeAsync() => await Connection.DisposeAsync();

    public static string NewPrefix() => $"test:{Guid.NewGuid():N}:";
}
