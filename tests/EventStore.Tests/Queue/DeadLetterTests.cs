using System.Collections.Concurrent;
using ZeroLagHub.EventStore.Queue;

namespace ZeroLagHub.EventStore.Tests.Queue;

public sealed class DeadLetterTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    [Fact]
    public async Task ReplayedDeadLetterIsDeliveredAgainWithTheSameIdAndFreshAttempts()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        var broken = true;
        var deliveries = new ConcurrentQueue<(Guid Id, int Attempt)>();
        var handlers = new MessageHandlers().Register<Fail>((e, _) =>
        {
            deliveries.Enqueue((e.Id, e.Attempt));
            return Volatile.Read(ref broken) ? throw new InvalidOperationException("not yet") : Task.CompletedTask;
        });
        harness.Start(handlers, QueueHarness.FastOptions("w") with { MaxAttempts = 2 });

        var id = await harness.Queue.EnqueueAsync(new Fail("x"));
        await QueueHarness.EventuallyAsync(async () => await harness.CountAsync("queue_dead_letters") == 1, "the message is dead-lettered");

        // The operator fixes the cause, then replays.
        Volatile.Write(ref broken, false);
        Assert.True(await harness.DeadLetters.ReplayAsync(id));

        await QueueHarness.EventuallyAsync(async () => await harness.CountAsync("queue_messages") == 0 && deliveries.Count == 3,
            "the replayed message is handled");
        Assert.Equal([(id, 1), (id, 2), (id, 1)], deliveries);
        Assert.Empty(await harness.DeadLetters.ListAsync());
        Assert.False(await harness.DeadLetters.ReplayAsync(id));
    }

    [Fact]
    public async Task DiscardedDeadLetterIsGoneAndCannotBeReplayed()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        harness.Start(new MessageHandlers().Register<Ping>((_, _) => Task.CompletedTask), QueueHarness.FastOptions("w"));
        var id = await harness.Queue.EnqueueAsync(new Unhandled("x"));
        await QueueHarness.EventuallyAsync(async () => await harness.CountAsync("queue_dead_letters") == 1, "the message is dead-lettered");

        Assert.True(await harness.DeadLetters.DiscardAsync(id));

        Assert.Empty(await harness.DeadLetters.ListAsync());
        Assert.False(await harness.DeadLetters.ReplayAsync(id));
        Assert.False(await harness.DeadLetters.DiscardAsync(id));
        Assert.Equal(0, await harness.CountAsync("queue_messages"));
    }

    [Fact]
    public async Task DeadLettersAreListedOldestFirstPageByPageAndByType()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        await db.ScalarAsync("""
            INSERT INTO es.queue_dead_letters (id, type, schema_version, data, enqueued_at, attempts, error, failed_at)
            SELECT gen_random_uuid(), CASE WHEN i % 2 = 0 THEN 'test.even' ELSE 'test.odd' END, 1, jsonb_build_object('i', i),
                   now(), 1, 'e' || i, now() - (10 - i) * interval '1 minute'
              FROM generate_series(1, 5) AS i
            """);

        var first = await harness.DeadLetters.ListAsync(maxCount: 3);
        var second = await harness.DeadLetters.ListAsync(after: first[^1], maxCount: 3);
        Assert.Equal(["e1", "e2", "e3", "e4", "e5"], first.Concat(second).Select(d => d.Error));
        Assert.Equal(["e2", "e4"], (await harness.DeadLetters.ListAsync(type: "test.even")).Select(d => d.Error));
    }
}
