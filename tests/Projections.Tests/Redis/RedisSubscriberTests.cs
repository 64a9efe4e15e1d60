using ZeroLagHub.Testing;
using System.Collections.Concurrent;
using ZeroLagHub.Projections.Redis;

namespace ZeroLagHub.Projections.Tests.Redis;

public sealed class RedisSubscriberTests(SharedRedis redis) : IClassFixture<SharedRedis>
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SubscriberReceivesMessagesPublishedOnItsChannelAndPattern()
    {
        var prefix = SharedRedis.NewPrefix();
        await using var subscriber = new RedisSubscriber(redis.Options);
        var exact = new BlockingCollection<RedisMessage>();
        var patterned = new BlockingCollection<RedisMessage>();
        await subscriber.SubscribeAsync(prefix + "news", exact.Add);
        await subscriber.PatternSubscribeAsync(prefix + "room:*", patterned.Add);

        Assert.Equal(1, await redis.Connection.PublishAsync(prefix + "news", "hello"));
        Assert.Equal(1, await redis.Connection.PublishAsync(prefix + "room:7", "in room 7"));
        Assert.Equal(0, await redis.Connection.PublishAsync(prefix + "other", "nobody listens"));

        var news = await TakeAsync(exact);
        Assert.Equal((prefix + "news", "hello", (string?)null), (news.Channel, news.Text, news.Pattern));
        var room = await TakeAsync(patterned);
        Assert.Equal((prefix + "room:7", "in room 7", prefix + "room:*"), (room.Channel, room.Text, room.Pattern));
    }

    [Fact]
    public async Task AHandlerThatThrowsDoesNotStopOtherHandlersOrLaterMessages()
    {
        var channel = SharedRedis.NewPrefix() + "c";
        await using var subscriber = new RedisSubscriber(redis.Options);
        var received = new BlockingCollection<string>();
        await subscriber.SubscribeAsync(channel, _ => throw new InvalidOperationException("handler bug"));
        await subscriber.SubscribeAsync(channel, m => received.Add(m.Text));

        await redis.Connection.PublishAsync(channel, "one");
        await redis.Connection.PublishAsync(channel, "two");

        Assert.Equal("one", await TakeAsync(received));
        Assert.Equal("two", await TakeAsync(received));
    }

    [Fact]
    public async Task AfterAServerRestartTheSubscriberResubscribesAndRaisesReconnected()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        var options = RedisOptions.Parse(server.ConnectionString);
        await using var publisher = new RedisConnection(options);
        await using var subscriber = new RedisSubscriber(options);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.Reconnected += () => reconnected.TrySetResult();
        var received = new BlockingCollection<string>();
        await subscriber.SubscribeAsync("events", m => received.Add(m.Text));
        await publisher.PublishAsync("events", "before");
        Assert.Equal("before", await TakeAsync(received));
        Assert.False(reconnected.Task.IsCompleted);

        await server.KillAsync();
        await server.RestartAsync();
        await reconnected.Task.WaitAsync(HangGuard);

        // Reconnected is raised only after the subscription is confirmed again: a publish now must arrive.
        await RedisResilienceTests.WaitUntilAsync(async () => await publisher.PublishAsync("events", "after") == 1);
        Assert.Equal("after", await TakeAsync(received));
    }

    [Fact]
    public async Task SubscribingWhileTheServerIsDownTimesOutButTakesEffectWhenItIsBack()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        var options = RedisOptions.Parse(server.ConnectionString) with { CommandTimeout = TimeSpan.FromMilliseconds(500) };
        await server.KillAsync();
        await using var subscriber = new RedisSubscriber(options);
        var received = new BlockingCollection<string>();

        await Assert.ThrowsAsync<RedisTimeoutException>(() => subscriber.SubscribeAsync("late", m => received.Add(m.Text)));

        await server.RestartAsync();
        await using var publisher = new RedisConnection(options);
        await RedisResilienceTests.WaitUntilAsync(async () => await publisher.PublishAsync("late", "finally") == 1);
        Assert.Equal("finally", await TakeAsync(received));
    }

    private static async Task<T> TakeAsync<T>(BlockingCollection<T> items) =>
        await Task.Run(() => items.TryTake(out var item, HangGuard) ? item : throw new TimeoutException("nothing received"));
}
