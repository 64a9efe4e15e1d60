using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using ZeroLagHub.Projections.Multiplexer;
using ZeroLagHub.Projections.Status;
using ZeroLagHub.Projections.Tests.Status;
using ZeroLagHub.Testing;

namespace ZeroLagHub.Projections.Tests.Multiplexer;

/// <summary>
/// The API's multiplexer against real redis-servers of the tests' own: its settings, the API's ACL user (nothing the
/// client sends by itself is refused, everything dangerous is), failing fast while Redis is down, and recovering after
/// a restart.
/// </summary>
public sealed class RedisMultiplexerTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public void TheConnectionStringGivesEndPointCredentialsAndTimeoutsAndTheCacheFriendlySettings()
    {
        var options = RedisMultiplexer.Options("redis.internal:6380,user=zlh_api,password=p@ss=word,timeout=750,connectTimeout=3000");

        Assert.EndsWith("redis.internal:6380", Assert.Single(options.EndPoints).ToString());
        Assert.Equal(("zlh_api", "p@ss=word"), (options.User, options.Password));
        Assert.Equal((750, 750, 3000), (options.SyncTimeout, options.AsyncTimeout, options.ConnectTimeout));
        Assert.False(options.AbortOnConnectFail);
        Assert.Same(BacklogPolicy.FailFast, options.BacklogPolicy);
        Assert.Equal(("", ""), (options.ConfigurationChannel, options.TieBreaker));
        foreach (var command in new[] { "INFO", "CONFIG", "CLUSTER", "CLIENT", "ECHO" })
            Assert.Contains($"${command}=,", options.ToString(includePassword: false) + ",");
        Assert.DoesNotContain("p@ss", options.ToString(includePassword: false));
    }

    [Fact]
    public void WithoutTimeoutsCommandsWaitOneSecond()
    {
        var options = RedisMultiplexer.Options("127.0.0.1:6379");

        Assert.Equal((1000, 1000), (options.SyncTimeout, options.AsyncTimeout));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("localhost:6379,bogus=1", "bogus")]
    [InlineData("localhost:6379,password=topsecret,connectTimeout=soon", "connectTimeout")]
    public void AMalformedConnectionSaysWhatToFixAndNotThePassword(string connection, string hint)
    {
        var error = Assert.Throws<FormatException>(() => RedisMultiplexer.Options(connection));

        Assert.Contains(hint, error.Message);
        Assert.DoesNotContain("topsecret", error.Message);
    }

    [Fact]
    public async Task TheApiUserIsRefusedNothingTheClientSendsAndEverythingDangerous()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{server.ConnectionString},allowAdmin=true");
        await using var api = RedisMultiplexer.Connect(server.ApiConnectionString);
        var cache = new LiveStatusCache(api);
        var container = Guid.NewGuid();
        await LiveStatusCache.Subscribe(api, _ => { }).LiveAsync();

        // Everything the API does, the handshake and the subscription included, as the API's user.
        await cache.SetStatusAsync(container, """{"state":"running"}""", new StatusCursor(1, 1));
        await cache.SetAgentSeenAsync(container, """{"instance":"x"}""");
        Assert.Equal(("""{"state":"running"}""", """{"instance":"x"}"""), await cache.GetStatusAndAgentSeenAsync(container));
        await cache.RemoveStatusAsync(container);
        await api.GetDatabase().PingAsync();
        Assert.Empty(await AclLogAsync(admin));

        // As an intruder with the API's password would try (admin mode only lifts the client's own guard).
        var options = RedisMultiplexer.Options(server.ApiConnectionString);
        options.AllowAdmin = true;
        options.CommandMap = CommandMap.Create(["INFO", "CLUSTER", "CLIENT", "ECHO", "SCRIPT"], available: false);
        await using var intruder = await ConnectionMultiplexer.ConnectAsync(options);
        var db = intruder.GetDatabase();
        foreach (var command in new object[][] { ["FLUSHALL"], ["CONFIG", "SET", "requirepass", "x"], ["CONFIG", "GET", "requirepass"], ["KEYS", "*"], ["ACL", "LIST"], ["SHUTDOWN"] })
        {
            var refused = await Assert.ThrowsAsync<RedisServerException>(() => db.ExecuteAsync((string)command[0], command[1..]));
            Assert.StartsWith("NOPERM", refused.Message);
        }
        // Nor through a script: the ACL applies to what a script calls.
        await db.StringSetAsync("k", "v");
        var scripted = await Assert.ThrowsAsync<RedisServerException>(() => db.ScriptEvaluateAsync("return redis.call('FLUSHALL')"));
        Assert.Contains("can't run this command", scripted.Message);
        Assert.Equal("v", (string?)await db.StringGetAsync("k"));
    }

    [Fact]
    public async Task TheApiUsersNameWithAnotherPasswordIsAConnectionErrorThatDoesNotShowThePassword()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        await using var wrong = RedisMultiplexer.Connect($"{server.EndPoint},user={ApiRedisUser.Name},password={server.Password},connectTimeout=500");

        var refused = await Assert.ThrowsAsync<RedisConnectionException>(() => wrong.GetDatabase().StringGetAsync("k"));

        Assert.DoesNotContain(server.Password, refused.ToString());
    }

    [Fact]
    public async Task CommandsFailAtOnceWhileRedisIsDownInsteadOfWaitingOutTheirTimeout()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        await server.KillAsync();
        // A minute's timeout: only failing fast (no backlog) ends the call within the hang guard.
        await using var redis = RedisMultiplexer.Connect($"{server.ConnectionString},connectTimeout=200,timeout=60000");
        var cache = new LiveStatusCache(redis);

        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => cache.GetStatusAndAgentSeenAsync(Guid.NewGuid())).WaitAsync(HangGuard);
    }

    [Fact]
    public async Task ACommandToAPausedRedisTimesOutAsUnavailableAndLaterRepliesStayMatched()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{server.ConnectionString},allowAdmin=true");
        await using var redis = RedisMultiplexer.Connect($"{server.ConnectionString},timeout=300");
        var cache = new LiveStatusCache(redis);
        var container = Guid.NewGuid();
        await cache.SetStatusAsync(container, """{"n":1}""", new StatusCursor(1, 1));

        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", 1500, "ALL");
        // A RedisTimeoutException is a TimeoutException, not a RedisException: callers must catch both.
        var timeout = await Assert.ThrowsAnyAsync<Exception>(() => cache.GetStatusAsync(container)).WaitAsync(HangGuard);
        Assert.True(RedisMultiplexer.IsUnavailable(timeout), timeout.ToString());
        Assert.IsType<RedisTimeoutException>(timeout);

        // The late reply to the timed-out GET is not taken for the next command's.
        await WaitUntilAsync(async () => await cache.SetStatusAsync(container, """{"n":2}""", new StatusCursor(2, 2)));
        Assert.Equal("""{"n":2}""", await cache.GetStatusAsync(container));
    }

    [Fact]
    public async Task AfterARestartCommandsWorkAgainTheSubscriptionIsRenewedAndConnectionRestoredIsRaised()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        await using var redis = RedisMultiplexer.Connect($"{server.ConnectionString},connectTimeout=300,timeout=500");
        var cache = new LiveStatusCache(redis);
        var restored = new ConcurrentBag<ConnectionType>();
        var subscriptionBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        redis.ConnectionRestored += (_, e) =>
        {
            restored.Add(e.ConnectionType);
            if (e.ConnectionType == ConnectionType.Subscription) subscriptionBack.TrySetResult();
        };
        var changes = Channel.CreateUnbounded<StatusChange>();
        var subscription = await LiveStatusCache.Subscribe(redis, c => changes.Writer.TryWrite(c)).LiveAsync();
        // Commands ride the other connection, which a busy machine may open later (connectTimeout is 300 ms here).
        await WaitUntilAsync(async () => await redis.GetDatabase().PingAsync() >= TimeSpan.Zero);
        var container = Guid.NewGuid();
        await cache.SetStatusAsync(container, """{"n":1}""", new StatusCursor(1, 1));
        Assert.Equal(1, (await changes.TakeAsync()).ChangeId);

        await server.KillAsync();
        await Assert.ThrowsAnyAsync<RedisException>(() => cache.GetStatusAsync(container));
        await server.RestartAsync();
        await subscriptionBack.Task.WaitAsync(HangGuard);

        // ConnectionRestored can come before the renewed SUBSCRIBE is in effect (Redis drops what is published before
        // it): once the subscription proves live, the very next change arrives.
        Assert.True(await subscription.WaitLiveAsync(HangGuard, default));
        await cache.SetStatusAsync(container, """{"n":2}""", new StatusCursor(2, 2));
        var received = await changes.TakeAsync();
        Assert.Equal(2, received.ChangeId);
        Assert.Equal("""{"n":2}""", await cache.GetStatusAsync(container));
        Assert.Contains(ConnectionType.Interactive, restored);
    }

    [Fact]
    public async Task ASubscriptionMadeWhileRedisIsDownTakesEffectWhenItIsBack()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        await server.KillAsync();
        await using var redis = RedisMultiplexer.Connect($"{server.ConnectionString},connectTimeout=200,timeout=500");
        var changes = Channel.CreateUnbounded<StatusChange>();

        var confirmed = LiveStatusCache.Subscribe(redis, c => changes.Writer.TryWrite(c)).Confirmed;
        await Assert.ThrowsAnyAsync<RedisException>(() => confirmed);

        await server.RestartAsync();
        var container = Guid.NewGuid();
        await WaitUntilAsync(async () => await redis.GetSubscriber().PingAsync() >= TimeSpan.Zero && redis.GetSubscriber().IsConnected(RedisChannel.Literal(LiveStatusCache.ChangesChannel)));
        await WaitUntilAsync(async () => await new LiveStatusCache(redis).SetStatusAsync(container, """{"n":1}""", new StatusCursor(1, 1))
            && await ReceivedAsync());

        async Task<bool> ReceivedAsync()
        {
            await Task.Delay(200);
            return changes.Reader.TryRead(out var change) && change.ContainerId == container;
        }
    }

    [Fact]
    public async Task AddRedisGivesOneMultiplexerThatTheContainerDisposes()
    {
        var endpoints = await TestServices.GetAsync();
        IConnectionMultiplexer redis;
        await using (var provider = new ServiceCollection().AddLogging().AddRedis(endpoints.Redis).BuildServiceProvider())
        {
            redis = provider.GetRequiredService<IConnectionMultiplexer>();
            Assert.Same(redis, provider.GetRequiredService<IConnectionMultiplexer>());
            var container = Guid.NewGuid();
            await provider.GetRequiredService<LiveStatusCache>().SetStatusAsync(container, "{}", new StatusCursor(1, 1));
            Assert.Equal("{}", (string?)await redis.GetDatabase().StringGetAsync(LiveStatusCache.StatusKey(container)));
        }

        Assert.Throws<ObjectDisposedException>(() => redis.GetDatabase().StringGet("k"));
    }

    [Fact]
    public void AMalformedConnectionFailsAtRegistration() =>
        Assert.Throws<FormatException>(() => new ServiceCollection().AddRedis("localhost:6379,bogus=1"));

    private static async Task<RedisResult[]> AclLogAsync(IConnectionMultiplexer admin) =>
        (RedisResult[])(await admin.GetDatabase().ExecuteAsync("ACL", "LOG"))!;

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(HangGuard);
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (RedisMultiplexer.IsUnavailable(e) && !deadline.IsCancellationRequested)
            {
            }
            deadline.Token.ThrowIfCancellationRequested();
            await Task.Delay(20);
        }
    }

}
