using System.Threading.Channels;
using StackExchange.Redis;
using ZeroLagHub.Projections.Status;
using ZeroLagHub.Projections.Tests.Multiplexer;

namespace ZeroLagHub.Projections.Tests.Status;

public sealed class LiveStatusCacheTests(SharedRedis redis) : IClassFixture<SharedRedis>
{
    // As the API uses it: with the API's ACL user, so these tests show its commands (the script's included) suffice.
    private readonly LiveStatusCache _cache = new(redis.Api);

    [Fact]
    public async Task SetStatusCachesTheJsonAndPublishesTheChange()
    {
        var container = Guid.NewGuid();
        var changes = Channel.CreateUnbounded<StatusChange>();
        await LiveStatusCache.Subscribe(redis.Api, change => { if (change.ContainerId == container) changes.Writer.TryWrite(change); }).LiveAsync();

        Assert.Null(await _cache.GetStatusAsync(container));
        Assert.True(await _cache.SetStatusAsync(container, """{"state":"running"}""", new StatusCursor(7, 41)));

        Assert.Equal("""{"state":"running"}""", await _cache.GetStatusAsync(container));
        Assert.Equal("""{"state":"running"}""", (string?)await redis.Admin.GetDatabase().StringGetAsync($"status:{container}"));
        var change = await changes.TakeAsync();
        Assert.Equal((container, new StatusCursor(7, 41)), (change.ContainerId, change.Cursor));
        Assert.Equal("running", change.Status.GetProperty("state").GetString());
    }

    [Fact]
    public async Task AnOlderChangeIsRefusedAndNotPublished()
    {
        var container = Guid.NewGuid();
        var changes = Channel.CreateUnbounded<StatusChange>();
        await LiveStatusCache.Subscribe(redis.Api, change => { if (change.ContainerId == container) changes.Writer.TryWrite(change); }).LiveAsync();

        Assert.True(await _cache.SetStatusAsync(container, """{"state":"running"}""", At(100)));
        Assert.False(await _cache.SetStatusAsync(container, """{"state":"starting"}""", At(99)));
        Assert.True(await _cache.SetStatusAsync(container, """{"state":"crashed"}""", At(100)));

        Assert.Equal("""{"state":"crashed"}""", await _cache.GetStatusAsync(container));
        var first = await changes.TakeAsync();
        var second = await changes.TakeAsync();
        Assert.Equal([100L, 100L], [first.ChangeId, second.ChangeId]);
        await Task.Delay(200);
        Assert.False(changes.Reader.TryRead(out _));
    }

    [Fact]
    public async Task ARemovedStatusIsGoneAndAnyChangeIsTakenAgain()
    {
        var a = Guid.NewGuid();
        await _cache.SetStatusAsync(a, """{"n":"a"}""", At(1));
        Assert.Equal("""{"n":"a"}""", await _cache.GetStatusAsync(a));

        await _cache.RemoveStatusAsync(a);
        Assert.Null(await _cache.GetStatusAsync(a));
        Assert.True(await _cache.SetStatusAsync(a, """{"n":"again"}""", At(0)));
    }

    [Fact]
    public async Task StatusAndAgentSeenComeInOneReadNullWhereMissing()
    {
        var (container, unknown) = (Guid.NewGuid(), Guid.NewGuid());
        await _cache.SetStatusAsync(container, """{"state":"running"}""", At(1));
        await _cache.SetAgentSeenAsync(container, """{"instance":"x"}""");

        var (status, seen) = await _cache.GetStatusAndAgentSeenAsync(container);
        var (noStatus, notSeen) = await _cache.GetStatusAndAgentSeenAsync(unknown);

        Assert.Equal("""{"state":"running"}""", status);
        Assert.Equal("""{"instance":"x"}""", seen);
        Assert.Null(noStatus);
        Assert.Null(notSeen);
    }

    [Fact]
    public async Task AgentSeenExpiresAfterFifteenSeconds()
    {
        var agent = Guid.NewGuid();
        Assert.Null(await _cache.GetAgentSeenAsync(agent));

        await _cache.SetAgentSeenAsync(agent, """{"instance":"x"}""");

        Assert.Equal("""{"instance":"x"}""", await _cache.GetAgentSeenAsync(agent));
        var ttl = await redis.Admin.GetDatabase().KeyTimeToLiveAsync($"agent:{agent}");
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task BadInputIsRefusedBeforeAnythingIsWritten()
    {
        var container = Guid.NewGuid();
        await Assert.ThrowsAsync<ArgumentException>(() => _cache.SetStatusAsync(container, " ", At(1)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _cache.SetStatusAsync(container, "{}", At(-1)));
        Assert.Null(await _cache.GetStatusAsync(container));
    }

    [Fact]
    public void AMessageThatIsNotAStatusChangeParsesToNull()
    {
        Assert.Null(StatusChange.TryParse((RedisValue)"not json"u8.ToArray()));
        Assert.Null(StatusChange.TryParse((RedisValue)"{}"u8.ToArray()));
        var id = Guid.NewGuid();
        Assert.Null(StatusChange.TryParse((RedisValue)StatusChange.ToJson(id, new StatusCursor(9, 5), "[1]")));
        var parsed = StatusChange.TryParse((RedisValue)StatusChange.ToJson(id, new StatusCursor(9, 5), """{"state":"idle"}"""));
        Assert.NotNull(parsed);
        Assert.Equal((id, new StatusCursor(9, 5), "idle"), (parsed.ContainerId, parsed.Cursor, parsed.Status.GetProperty("state").GetString()));
    }

    [Fact]
    public void CursorsOrderByTransactionThenPositionAndRoundTripAsEventIds()
    {
        Assert.True(new StatusCursor(2, 1) > new StatusCursor(1, 900));
        Assert.True(new StatusCursor(2, 5) > new StatusCursor(2, 4));
        Assert.True(StatusCursor.TryParse(new StatusCursor(123, 456).ToString(), out var cursor));
        Assert.Equal(new StatusCursor(123, 456), cursor);
        foreach (var bad in new[] { "", "12", "-5", "5-", "a-1", "1-b", "1--2", "1-2-3" })
            Assert.False(StatusCursor.TryParse(bad, out _), bad);
    }

    private static StatusCursor At(long position) => new(1, position);
}
