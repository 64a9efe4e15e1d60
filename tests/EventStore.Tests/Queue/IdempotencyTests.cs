using System.Collections.Concurrent;
using ZeroLagHub.EventStore.Queue;

namespace ZeroLagHub.EventStore.Tests.Queue;

public sealed class IdempotencyTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    [Fact]
    public async Task SecondEnqueueWithTheSameKeyReturnsTheFirstIdAndWritesNothing()
    {
        await using var harness = await QueueHarness.CreateAsync(db);

        var first = await harness.Queue.EnqueueAsync(new Ping(1), idempotencyKey: "start:42");
        var second = await harness.Queue.EnqueueAsync(new Ping(2), idempotencyKey: "start:42");
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            Assert.Equal(first, await harness.Queue.EnqueueAsync(tx, new Ping(3), idempotencyKey: "start:42"));
            await tx.CommitAsync();
        }

        Assert.Equal(first, second);
        Assert.Equal(1, await harness.CountAsync("queue_messages"));
        Assert.Equal("{\"n\": 1}", await db.ScalarAsync("SELECT data::text FROM es.queue_messages"));
    }

    [Fact]
    public async Task KeyOfAnAlreadyHandledMessageStillDedupes()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        var handled = new ConcurrentBag<Guid>();
        harness.Start(new MessageHandlers().Register<Ping>((e, _) => { handled.Add(e.Id); return Task.CompletedTask; }),
            QueueHarness.FastOptions("w"));
        var id = await harness.Queue.EnqueueAsync(new Ping(1), idempotencyKey: "k");
        await QueueHarness.EventuallyAsync(async () => await harness.CountAsync("queue_messages") == 0, "the message is handled");

        Assert.Equal(id, await harness.Queue.EnqueueAsync(new Ping(1), idempotencyKey: "k"));
        Assert.Equal(0, await harness.CountAsync("queue_messages"));
        Assert.Equal([id], handled);
    }

    [Fact]
    public async Task KeyOfARolledBackEnqueueIsFreeAgain()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await harness.Queue.EnqueueAsync(tx, new Ping(1), idempotencyKey: "k");
            await tx.RollbackAsync();
        }

        var id = await harness.Queue.EnqueueAsync(new Ping(2), idempotencyKey: "k");

        Assert.Equal(id, await db.ScalarAsync("SELECT id FROM es.queue_messages"));
    }

    [Fact]
    public async Task ConcurrentEnqueuesWithOneKeyAgreeOnOneMessage()
    {
        await using var harness = await QueueHarness.CreateAsync(db);

        var ids = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            harness.Queue.EnqueueAsync(new Ping(i), idempotencyKey: "race"))));

        Assert.Single(ids.Distinct());
        Assert.Equal(1, await harness.CountAsync("queue_messages"));
    }

    [Fact]
    public async Task ExpiredKeyOfAHandledMessageIsPurged()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        await db.ScalarAsync("""
            INSERT INTO es.queue_keys (key, message_id, created_at) VALUES
                ('old-handled', gen_random_uuid(), now() - interval '8 days'),
                ('new-handled', gen_random_uuid(), now())
            """);
        var waiting = await harness.Queue.EnqueueAsync(new Ping(1), DateTimeOffset.UtcNow.AddDays(30), idempotencyKey: "old-waiting");
        await db.ScalarAsync("UPDATE es.queue_keys SET created_at = now() - interval '8 days' WHERE key = 'old-waiting'");

        await PurgeIdempotencyKeys.ExecuteAsync(db.DataSource, TimeSpan.FromDays(7), CancellationToken.None);

        Assert.Equal("new-handled,old-waiting", await db.ScalarAsync("SELECT string_agg(key, ',' ORDER BY key) FROM es.queue_keys"));
        Assert.Equal(waiting, await harness.Queue.EnqueueAsync(new Ping(2), idempotencyKey: "old-waiting"));
    }
}
