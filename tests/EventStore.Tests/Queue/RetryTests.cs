using System.Collections.Concurrent;
using ZeroLagHub.EventStore.Queue;

namespace ZeroLagHub.EventStore.Tests.Queue;

public sealed class RetryTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    [Fact]
    public async Task FailingHandlerIsRetriedWithGrowingBackoffThenDeadLettered()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        var deliveries = new ConcurrentQueue<(Guid Id, int Attempt, DateTimeOffset At)>();
        var handlers = new MessageHandlers().Register<Fail>((e, _) =>
        {
            deliveries.Enqueue((e.Id, e.Attempt, DateTimeOffset.UtcNow));
            throw new InvalidOperationException($"agent refused: {e.Message.Reason}");
        });
        var backoff = new RetryBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));
        harness.Start(handlers, QueueHarness.FastOptions("w") with { MaxAttempts = 4, Backoff = backoff });

        var id = await harness.Queue.EnqueueAsync(new Fail("disk full"));
        await QueueHarness.EventuallyAsync(async () => await harness.CountAsync("queue_dead_letters") == 1, "the message is dead-lettered");

        var seen = deliveries.ToArray();
        Assert.All(seen, d => Assert.Equal(id, d.Id));
        Assert.Equal([1, 2, 3, 4], seen.Select(d => d.Attempt));
        // Each wait is at least the lower half of its backoff (equal jitter): 100, 200, 400 ms. These
        // are "not early" bounds; the test does not time how soon it came.
        for (var n = 1; n < seen.Length; n++)
        {
            var least = backoff.Delay(n, 0);
            Assert.True(seen[n].At - seen[n - 1].At >= least - TimeSpan.FromMilliseconds(5),
                $"delivery {n + 1} came {(seen[n].At - seen[n - 1].At).TotalMilliseconds} ms after delivery {n}, backoff at least {least.TotalMilliseconds} ms");
        }

        var dead = Assert.Single(await harness.DeadLetters.ListAsync());
        Assert.Equal(id, dead.Id);
        Assert.Equal("test.fail", dead.Type);
        Assert.Equal(4, dead.Attempts);
        Assert.Contains("agent refused: disk full", dead.Error);
        Assert.Contains("InvalidOperationException", dead.Error);
        Assert.Equal(0, await harness.CountAsync("queue_messages"));
    }

    [Fact]
    public async Task FailedDeliveryKeepsItsErrorOnTheWaitingMessage()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        var attempts = 0;
        var handlers = new MessageHandlers().Register<Fail>((e, _) =>
            Interlocked.Increment(ref attempts) == 1 ? throw new TimeoutException("agent did not answer") : Task.CompletedTask);
        // A long backoff: the message sits waiting after its first failure, where we can look at it.
        harness.Start(handlers, QueueHarness.FastOptions("w") with { Backoff = new RetryBackoff(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10)) });

        await harness.Queue.EnqueueAsync(new Fail("x"));
        await QueueHarness.EventuallyAsync(async () => await db.ScalarAsync("SELECT last_error FROM es.queue_messages") is string,
            "the failure is recorded");

        Assert.Contains("agent did not answer", (string)(await db.ScalarAsync("SELECT last_error FROM es.queue_messages"))!);
        Assert.Equal(1, await db.ScalarAsync("SELECT attempts FROM es.queue_messages"));
        Assert.Equal(true, await db.ScalarAsync("SELECT deliver_at > now() + interval '4 minutes' AND leased_by IS NULL FROM es.queue_messages"));
    }

    [Fact]
    public async Task MessageWithoutAHandlerIsDeadLetteredOnItsFirstDelivery()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        harness.Start(new MessageHandlers().Register<Ping>((_, _) => Task.CompletedTask), QueueHarness.FastOptions("w"));

        var id = await harness.Queue.EnqueueAsync(new Unhandled("nobody listens"));
        await QueueHarness.EventuallyAsync(async () => await harness.CountAsync("queue_dead_letters") == 1, "the message is dead-lettered");

        var dead = Assert.Single(await harness.DeadLetters.ListAsync());
        Assert.Equal(id, dead.Id);
        Assert.Equal(1, dead.Attempts);
        Assert.Contains("no handler is registered for message type 'test.unhandled'", dead.Error);
    }

    [Fact]
    public async Task MessageOfATypeThisBuildDoesNotKnowIsDeadLetteredOnItsFirstDelivery()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        harness.Start(new MessageHandlers().Register<Ping>((_, _) => Task.CompletedTask), QueueHarness.FastOptions("w"));

        // As written by a newer build that knows a type this one does not.
        await db.ScalarAsync("""
            INSERT INTO es.queue_messages (id, type, schema_version, data, deliver_at)
            VALUES ('00000000-0000-0000-0000-0000000000aa', 'test.from-the-future', 1, '{}', now())
            """);
        harness.Queue.Notify();
        await QueueHarness.EventuallyAsync(async () => await harness.CountAsync("queue_dead_letters") == 1, "the message is dead-lettered");

        var dead = Assert.Single(await harness.DeadLetters.ListAsync());
        Assert.Equal(1, dead.Attempts);
        Assert.Contains("message type 'test.from-the-future' is not registered", dead.Error);
    }
}
