using ZeroLagHub.Api.Agents.Polling;
using ZeroLagHub.Api.Status;
using ZeroLagHub.Api.Status.Stream;
using ZeroLagHub.Projections.Multiplexer;

namespace ZeroLagHub.Api.Extensions;

public static class LiveStatusRegistration
{
    /// <summary>
    /// The status endpoint's reader, the status streams and, when <c>Redis</c> (ZLH_REDIS, <c>host:port</c>) is set, the Redis cache:
    /// the poller's sightings (the publisher: <see cref="AddStatusPublisher"/>). Call before the poller is registered, so its
    /// TryAdd keeps <see cref="RedisLastSeen"/>. Without Redis every status is served from PostgreSQL, marked stale.
    /// </summary>
    public static WebApplicationBuilder AddLiveStatus(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<StatusReader>();
        // Status streams work without Redis too: they poll PostgreSQL until a live feed is connected.
        services.AddSingleton<StatusFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<StatusFeed>());
        services.AddSingleton<StatusStream>();
        var redis = builder.Configuration["Redis"];
        if (string.IsNullOrWhiteSpace(redis)) return builder;
        services.AddRedis(redis);
        services.AddSingleton<ILastSeen, RedisLastSeen>();
        return builder;
    }

    /// <summary>
    /// The status publisher (with Redis): call after the read models are registered. Hosted services start in
    /// registration order, and its first read of <c>container_status</c> must come after <c>ReadModelSetup</c>
    /// created the table: on a fresh database it used to log a warning about a table about to be made.
    /// </summary>
    public static WebApplicationBuilder AddStatusPublisher(this WebApplicationBuilder builder)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Redis"])) builder.Services.AddHostedService<StatusPublisher>();
        return builder;
    }
}
