using System.Collections.Concurrent;
using ZeroLagHub.EventStore.Queue;

namespace ZeroLagHub.EventStore.Tests.Queue;

public sealed class ConcurrentWorkersTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    [Fact]
    public async Task TwoWorkersShareAThousandMessagesAndHandleEachExactlyOnce()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        var deliveries = new ConcurrentDictionary<Guid, int>();
        var perWorker = new ConcurrentDictionary<string, int>();
        MessageHandlers HandlersFor(string worker) => new MessageHandlers().Register<Ping>((envelope, _) =>
        {
            deliveries.AddOrUpdate(envelope.Id, 1, (_, n) => n + 1);
            perWorker.AddOrUpdate(worker, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        });
        // Small batches, so the two claim loops interleave many times over the run.
        harness.Start(HandlersFor("a"), QueueHarness.FastOptions("a") with { BatchSize = 10 });
        harness.Start(HandlersFor("b"), QueueHarness.FastOptions("b") with { BatchSize = 10 });

        // Four producers enqueue while both workers are already claiming.
        var ids = (await Task.WhenAll(Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            var mine = new List<Guid>();
            for (var i = 0; i < 250; i++) mine.Add(await harness.Queue.EnqueueAsync(new Ping(p * 1000 + i)));
            return mine;
        })))).SelectMany(x => x).ToHashSet();
        Assert.Equal(1000, ids.Count);

        // Empty table: every message's outcome is written, so no delivery of any of them can follow.
        await QueueHarness.EventuallyAsync(async () => await harness.CountAsync("queue_messages") == 0, "the queue drains");
        Assert.Equal(ids.Order(), deliveries.Keys.Order());
        Assert.All(deliveries, d => Assert.Equal(1, d.Value));
        Assert.True(perWorker.GetValueOrDefault("a") > 0 && perWorker.GetValueOrDefault("b") > 0,
            $"both workers took part: a={perWorker.GetValueOrDefault("a")}, b={perWorker.GetValueOrDefault("b")}");
        Assert.Equal(0, await harness.CountAsync("queue_dead_letters"));
    }
}
