using Microsoft.Extensions.DependencyInjection;
using ZeroLagHub.Projections.Redis;
using ZeroLagHub.Projections.Status;

namespace ZeroLagHub.Projections.Tests.Redis;

public sealed class RedisRegistrationTests(SharedRedis redis) : IClassFixture<SharedRedis>
{
    [Fact]
    public async Task AddRedisGivesOneWorkingConnectionThatTheContainerDisposes()
    {
        RedisConnection connection;
        await using (var provider = new ServiceCollection().AddLogging().AddRedis(redis.ConnectionString).BuildServiceProvider())
        {
            connection = provider.GetRequiredService<RedisConnection>();
            Assert.Same(connection, provider.GetRequiredService<RedisConnection>());
            Assert.NotNull(provider.GetRequiredService<RedisSubscriber>());
            var container = Guid.NewGuid();
            await provider.GetRequiredService<LiveStatusCache>().SetStatusAsync(container, "{}", new StatusCursor(1, 1));
            Assert.Equal("{}", await connection.GetAsync(LiveStatusCache.StatusKey(container)));
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.GetAsync("k"));
    }

    [Fact]
    public void AMalformedConnectionFailsAtRegistration() =>
        Assert.Throws<FormatException>(() => new ServiceCollection().AddRedis("no-port"));
}
