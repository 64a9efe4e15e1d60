using ZeroLagHub.Testing;
using ZeroLagHub.Projections.Redis;

namespace ZeroLagHub.Projections.Tests.Redis;

/// <summary>Timeouts, server restarts and AUTH, each against a redis-server of its own.</summary>
public sealed class RedisResilienceTests
{
    // Generous bound for "did not hang"; the behaviour asserted is which exception, not how fast.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task CommandOnAPausedServerTimesOutAndLaterRepliesStayMatched()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        await using var redis = new RedisConnection(RedisOptions.Parse(server.ConnectionString) with { CommandTimeout = TimeSpan.FromMilliseconds(300) });
        await using var admin = new RedisConnection(RedisOptions.Parse(server.ConnectionString));
        await redis.SetAsync("k", "before");

        await admin.ExecuteAsync("CLIENT", "PAUSE", 1500, "ALL");
        var timeout = await Assert.ThrowsAsync<RedisTimeoutException>(() => redis.GetAsync("k")).WaitAsync(HangGuard);
        Assert.Contains("GET", timeout.Message);

        // The late reply to the timed-out GET is discarded in order; the next command gets its own reply.
        await WaitUntilAsync(async () => await redis.GetAsync("k") == "before");
        await redis.SetAsync("k", "after");
        Assert.Equal("after", await redis.GetAsync("k"));
    }

    [Fact]
    public async Task InFlightCommandFailsWithConnectionErrorWhenTheServerDiesAndNewCommandsWorkAfterRestart()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        await using var redis = new RedisConnection(RedisOptions.Parse(server.ConnectionString) with { CommandTimeout = TimeSpan.FromSeconds(60) });
        await redis.SetAsync("survives?", "no: no persistence");

        // BLPOP on an empty list waits forever on the server: it is surely in flight when the server dies.
        // (It also holds up every later command on this multiplexed connection, hence the second one to watch it.)
        var inFlight = redis.ExecuteAsync("BLPOP", "empty", 0);
        await using (var observer = new RedisConnection(RedisOptions.Parse(server.ConnectionString)))
            await WaitUntilAsync(async () => (await observer.ExecuteAsync("CLIENT", "LIST")).AsString()!.Contains("cmd=blpop"));
        await server.KillAsync();

        // A connection error, not the 60 s command timeout.
        var lost = await Assert.ThrowsAsync<RedisConnectionException>(() => inFlight).WaitAsync(HangGuard);
        Assert.Contains(server.EndPoint, lost.Message);
        await Assert.ThrowsAsync<RedisConnectionException>(() => redis.GetAsync("k")).WaitAsync(HangGuard);

        await server.RestartAsync();
        await WaitUntilAsync(async () => await Succeeds(redis.PingAsync()));
        Assert.Null(await redis.GetAsync("survives?"));
        Assert.Equal(1, await redis.IncrementAsync("n"));
        Assert.True(redis.IsConnected);
    }

    [Fact]
    public async Task TrafficFromManyTasksAcrossARestartOnlyEverFailsWithConnectionErrorsAndRecovers()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        await using var redis = new RedisConnection(RedisOptions.Parse(server.ConnectionString));
        using var stop = new CancellationTokenSource();
        var unexpected = new List<Exception>();
        var successesAfterRestart = 0;
        var restarted = false;

        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var key = $"w{worker}:{i % 50}";
                    await redis.SetAsync(key, $"{worker}-{i}");
                    if (await redis.GetAsync(key) != $"{worker}-{i}") throw new InvalidOperationException($"{key} read another caller's value");
                    if (Volatile.Read(ref restarted)) Interlocked.Increment(ref successesAfterRestart);
                }
                catch (RedisConnectionException)
                {
                    await Task.Delay(5);
                }
                catch (Exception e)
                {
                    lock (unexpected) unexpected.Add(e);
                }
            }
        })).ToArray();

        await WaitUntilAsync(async () => (await redis.ExecuteAsync("DBSIZE")).Integer >= 100);
        await server.KillAsync();
        await Task.Delay(300);
        await server.RestartAsync();
        Volatile.Write(ref restarted, true);
        await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref successesAfterRestart) >= 500));
        await stop.CancelAsync();
        await Task.WhenAll(workers).WaitAsync(HangGuard);

        Assert.Empty(unexpected);
    }

    [Fact]
    public async Task PasswordIsSentWithAuthAndAWrongOneIsAConnectionError()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        await using var right = new RedisConnection(RedisOptions.Parse(server.ConnectionString));
        await using var wrong = new RedisConnection(RedisOptions.Parse($"{server.EndPoint},password=nope"));
        await using var none = new RedisConnection(RedisOptions.Parse(server.EndPoint));

        await right.SetAsync("k", "v");
        Assert.Equal("v", await right.GetAsync("k"));

        var refused = await Assert.ThrowsAsync<RedisConnectionException>(() => wrong.GetAsync("k"));
        Assert.DoesNotContain("nope", refused.Message);
        var noAuth = await Assert.ThrowsAsync<RedisServerException>(() => none.GetAsync("k"));
        Assert.StartsWith("NOAUTH", noAuth.Message);
    }

    [Fact]
    public async Task CommandsFailFastWhileNoServerIsListening()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        await server.KillAsync();
        await using var redis = new RedisConnection(RedisOptions.Parse(server.ConnectionString) with { CommandTimeout = TimeSpan.FromSeconds(60) });

        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => redis.GetAsync("k")).WaitAsync(HangGuard);
        Assert.Contains(server.EndPoint, error.Message);
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + HangGuard;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (RedisException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met within the hang guard");
            await Task.Delay(20);
        }
    }

    private static async Task<bool> Succeeds(Task task)
    {
        try
        {
            await task;
            return true;
        }
        catch (RedisException)
        {
            return false;
        }
    }
}
