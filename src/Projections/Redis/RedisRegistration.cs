using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Projections.Redis;

public static class RedisRegistration
{
    /// <summary>
    /// Registers one <see cref="RedisConnection"/>, one <see cref="RedisSubscriber"/> and the
    /// <see cref="LiveStatusCache"/> as singletons; the container disposes the connections on shutdown.
    /// <paramref name="connection"/> is <c>host:port[,password=…][,timeout=ms][,connectTimeout=ms]</c>; a malformed
    /// one fails here, at start-up, with a <see cref="FormatException"/> naming what to fix.
    /// </summary>
    public static IServiceCollection AddRedis(this IServiceCollection services, string connection)
    {
        var options = RedisOptions.Parse(connection);
        services.AddSingleton(options);
        services.AddSingleton(sp => new RedisConnection(options, sp.GetService<ILogger<RedisConnection>>(), sp.GetService<TimeProvider>()));
        services.AddSingleton(sp => new RedisSubscriber(options, sp.GetService<ILogger<RedisSubscriber>>(), sp.GetService<TimeProvider>()));
        services.AddSingleton<LiveStatusCache>();
        return services;
    }
}
