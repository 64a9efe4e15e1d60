using System.Text;
using ZeroLagHub.Projections.Redis;

namespace ZeroLagHub.Projections.Tests.Redis;

public sealed class RedisCommandTests(SharedRedis redis) : IClassFixture<SharedRedis>
{
    private readonly RedisConnection _redis = redis.Connection;
    private readonly string _prefix = SharedRedis.NewPrefix();

    [Fact]
    public async Task SetThenGetReturnsTheValueAndDeleteRemovesIt()
    {
        var key = _prefix + "a";
        await _redis.SetAsync(key, "héllo wörld");
        Assert.Equal("héllo wörld", await _redis.GetAsync(key));

        Assert.Equal(1, await _redis.DeleteAsync([key, _prefix + "missing"]));
        Assert.Null(await _redis.GetAsync(key));
        Assert.Equal(0, await _redis.DeleteAsync(key));
    }

    [Fact]
    public async Task SetWithExpiryGivesTheKeyATimeToLive()
    {
        await _redis.SetAsync(_prefix + "seconds", "v", TimeSpan.FromSeconds(30));
        await _redis.SetAsync(_prefix + "millis", "v", TimeSpan.FromMilliseconds(20_500));
        await _redis.SetAsync(_prefix + "forever", "v");

        var seconds = await _redis.TimeToLiveAsync(_prefix + "seconds");
        var millis = await _redis.TimeToLiveAsync(_prefix + "millis");
        Assert.InRange(seconds!.Value, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
        Assert.InRange(millis!.Value, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20_500));
        Assert.Null(await _redis.TimeToLiveAsync(_prefix + "forever"));
    }

    [Fact]
    public async Task ExpireSetsATimeToLiveOnlyOnAnExistingKey()
    {
        await _redis.SetAsync(_prefix + "k", "v");
        Assert.True(await _redis.ExpireAsync(_prefix + "k", TimeSpan.FromSeconds(40)));
        Assert.False(await _redis.ExpireAsync(_prefix + "missing", TimeSpan.FromSeconds(40)));
        Assert.InRange((await _redis.TimeToLiveAsync(_prefix + "k"))!.Value, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40));
    }

    [Fact]
    public async Task GetManyReturnsValuesInKeyOrderWithNullForMissingKeys()
    {
        await _redis.SetAsync(_prefix + "1", "one");
        await _redis.SetAsync(_prefix + "3", "three");

        var values = await _redis.GetManyAsync([_prefix + "3", _prefix + "2", _prefix + "1"]);

        Assert.Equal(new string?[] { "three", null, "one" }, values.AsEnumerable());
    }

    [Fact]
    public async Task IncrementCountsFromOne()
    {
        Assert.Equal(1, await _redis.IncrementAsync(_prefix + "n"));
        Assert.Equal(2, await _redis.IncrementAsync(_prefix + "n"));
        Assert.Equal("2", await _redis.GetAsync(_prefix + "n"));
    }

    [Fact]
    public async Task BinaryAndLargeValuesRoundTripByteForByte()
    {
        // Larger than one socket read, and full of CR LF and RESP prefix bytes the parser must not trip on.
        var value = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(value);
        Encoding.ASCII.GetBytes("\r\n$-1\r\n*2\r\n").CopyTo(value, 1000);

        await _redis.SetAsync(_prefix + "big", value);
        var reply = await _redis.ExecuteAsync("GET", _prefix + "big");

        Assert.Equal(RedisReplyKind.BulkString, reply.Kind);
        Assert.True(reply.Bytes.Span.SequenceEqual(value));
    }

    [Fact]
    public async Task ExecuteRunsAnyCommandAndReturnsNestedReplies()
    {
        Assert.Equal("PONG", (await _redis.ExecuteAsync("PING")).AsString());
        Assert.Equal("echo me", (await _redis.ExecuteAsync("ECHO", "echo me")).AsString());

        await _redis.ExecuteAsync("RPUSH", _prefix + "list", "a", "b", 3);
        var range = await _redis.ExecuteAsync("LRANGE", _prefix + "list", 0, -1);
        Assert.Equal(RedisReplyKind.Array, range.Kind);
        Assert.Equal(["a", "b", "3"], range.Items.Select(i => i.AsString()));
    }

    [Fact]
    public async Task ServerErrorIsARedisServerExceptionAndLaterRepliesStayMatched()
    {
        await _redis.SetAsync(_prefix + "text", "not a number");

        var error = await Assert.ThrowsAsync<RedisServerException>(() => _redis.IncrementAsync(_prefix + "text"));
        Assert.Contains("not an integer", error.Message);
        await Assert.ThrowsAsync<RedisServerException>(() => _redis.ExecuteAsync("NOSUCHCOMMAND", "x"));

        Assert.Equal("not a number", await _redis.GetAsync(_prefix + "text"));
    }

    [Fact]
    public async Task CancelledBeforeSendingThrowsAndSendsNothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _redis.SetAsync(_prefix + "k", "v", cancellationToken: cancelled.Token));

        Assert.Null(await _redis.GetAsync(_prefix + "k"));
    }

    [Fact]
    public async Task TenThousandIncrementsFromSixteenTasksEachGetADistinctCount()
    {
        var key = _prefix + "counter";
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            var seen = new List<long>();
            for (var i = 0; i < 625; i++) seen.Add(await _redis.IncrementAsync(key));
            return seen;
        })));

        // Every reply went to its own caller: each count 1..10000 was returned exactly once.
        Assert.Equal(Enumerable.Range(1, 10_000).Select(i => (long)i), results.SelectMany(r => r).Order());
        Assert.Equal("10000", await _redis.GetAsync(key));
    }

    [Fact]
    public async Task ConcurrentGetsOfDistinctKeysReturnTheirOwnValues()
    {
        const int keys = 1000;
        await Task.WhenAll(Enumerable.Range(0, keys).Select(i => _redis.SetAsync($"{_prefix}{i}", $"value-{i}-{new string('x', i % 50)}")));

        var mismatches = await Task.WhenAll(Enumerable.Range(0, 16).Select(task => Task.Run(async () =>
        {
            var random = new Random(task);
            var wrong = 0;
            var pending = new List<(int Key, Task<string?> Value)>();
            for (var i = 0; i < 500; i++)
            {
                var key = random.Next(keys);
                pending.Add((key, _redis.GetAsync($"{_prefix}{key}")));
            }
            foreach (var (key, value) in pending)
                if (await value != $"value-{key}-{new string('x', key % 50)}") wrong++;
            return wrong;
        })));

        Assert.All(mismatches, wrong => Assert.Equal(0, wrong));
    }
}
