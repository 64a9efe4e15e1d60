using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Projections.Multiplexer;

public static class RedisRegistration
{
    /// <summary>
    /// Registers the process's one <see cref="IConnectionMultiplexer"/> (<see cref="RedisMultiplexer"/>) and the
    /// <see cref="LiveStatusCache"/> as singletons; the container disposes the multiplexer on shutdown. A malformed
    /// <paramref name="connection"/> fails here, at start-up, with a <see cref="FormatException"/> naming what to fix.
    /// </summary>
    public static IServiceCollection AddRedis(this IServiceCollection services, string connection)
    {
        RedisMultiplexer.Options(connection);
        services.AddSingleton<IConnectionMultiplexer>(sp => RedisMultiplexer.Connect(connection, sp.GetService<ILoggerFactory>()));
        services.AddSingleton<LiveStatusCache>();
        return services;
    }
}
