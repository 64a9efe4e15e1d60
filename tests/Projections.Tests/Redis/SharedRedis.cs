using ZeroLagHub.Projections.Redis;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Projections.Tests.Redis;

/// <summary>
/// Connections to the shared test Redis, as its default user (tests of the client itself send any command) and as the
/// API's ACL user; tests keep to keys under their own random prefix.
/// </summary>
public sealed class SharedRedis : IAsyncLifetime
{
    public RedisConnection Connection { get; private set; } = null!;

    public RedisOptions Options { get; private set; } = null!;

    /// <summary>The setting as given (host:port,password=…): <see cref="RedisOptions.EndPoint"/> alone gets NOAUTH.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>As the API connects: its ACL user, allowed only the commands it sends (scripts/services.sh).</summary>
    public RedisConnection ApiConnection { get; private set; } = null!;

    public RedisOptions ApiOptions { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var endpoints = await TestServices.GetAsync();
        ConnectionString = endpoints.RedisAdmin;
        Options = RedisOptions.Parse(ConnectionString);
        Connection = new RedisConnection(Options);
        ApiOptions = RedisOptions.Parse(endpoints.Redis);
        ApiConnection = new RedisConnection(ApiOptions);
    }

    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        await ApiConnection.DisposeAsync();
    }

    public static string NewPrefix() => $"test:{Guid.NewGuid():N}:";
}
