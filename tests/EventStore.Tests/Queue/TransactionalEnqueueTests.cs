using System.Collections.Concurrent;
using ZeroLagHub.EventStore.Appending;
using ZeroLagHub.EventStore.Queue;

namespace ZeroLagHub.EventStore.Tests.Queue;

public sealed class TransactionalEnqueueTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    [Fact]
    public async Task MessageEnqueuedInARolledBackTransactionIsNeverDelivered()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        var handled = new ConcurrentBag<int>();
        harness.Start(new MessageHandlers().Register<Ping>((e, _) => { handled.Add(e.Message.N); return Task.CompletedTask; }),
            QueueHarness.FastOptions("w"));

        await using (var connection = await db.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await harness.Queue.EnqueueAsync(tx, new Ping(1));
            await tx.RollbackAsync();
        }
        harness.Queue.Notify();
        // A later message goes through the same worker: once it is handled, the first had its chance.
        await harness.Queue.EnqueueAsync(new Ping(2));

        // Drained: the committed message's outcome is written, and nothing else is left to deliver.
        await QueueHarness.EventuallyAsync(async () => handled.Contains(2) && await harness.CountAsync("queue_messages") == 0,
            "the committed message is handled");
        Assert.Equal([2], handled);
    }

    [Fact]
    public async Task MessageEnqueuedWithAnAppendIsDeliveredOnlyOnceBothCommitted()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        var handled = new ConcurrentBag<Guid>();
        harness.Start(new MessageHandlers().Register<Ping>((e, _) => { handled.Add(e.Id); return Task.CompletedTask; }),
            QueueHarness.FastOptions("w"));
        var stream = TestEvents.NewStream();

        Guid id;
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await db.Store.AppendAsync(tx, stream, ExpectedVersion.NoStream, [new Created("x")]);
            id = await harness.Queue.EnqueueAsync(tx, new Ping(1));
            // Uncommitted: invisible to the worker even when it is told to look.
            harness.Queue.Notify();
            await Task.Delay(300);
            Assert.Empty(handled);
            await tx.CommitAsync();
        }
        harness.Queue.Notify();

        await QueueHarness.EventuallyAsync(() => handled.Contains(id), "the message is handled after the commit");
        var events = await db.Store.ReadStreamAsync(stream).ToListAsync();
        Assert.Single(events);
    }
}
