using ZeroLagHub.EventStore.Queue;

namespace ZeroLagHub.EventStore.Tests.Queue;

public sealed class ScheduledDeliveryTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    [Fact]
    public async Task ScheduledMessageIsDeliveredAtItsTimeNotBefore()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        var handled = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Start(new MessageHandlers().Register<Ping>((_, _) => { handled.TrySetResult(DateTimeOffset.UtcNow); return Task.CompletedTask; }),
            QueueHarness.FastOptions("w"));

        // Longer than one idle wait (1 s), so the worker has to sleep, wake on its timer and look again.
        var deliverAt = DateTimeOffset.UtcNow.AddSeconds(2.5);
        await harness.Queue.EnqueueAsync(new Ping(1), deliverAt);

        var at = await handled.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(at >= deliverAt, $"delivered {(deliverAt - at).TotalMilliseconds} ms early");
        // The precision promised is about a second.
        Assert.True(at - deliverAt < TimeSpan.FromSeconds(2), $"delivered {(at - deliverAt).TotalMilliseconds} ms late");
    }

    [Fact]
    public async Task MessageEnqueuedOnAnotherNodeWakesAnIdleWorkerThroughNotify()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        var handled = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        // A worker on "node B" that would otherwise sleep a minute: only the NOTIFY can wake it in time.
        var nodeB = harness.OtherNode();
        harness.Start(new MessageHandlers().Register<Ping>((_, _) => { handled.TrySetResult(DateTimeOffset.UtcNow); return Task.CompletedTask; }),
            QueueHarness.FastOptions("node-b") with { MaxIdleWait = TimeSpan.FromMinutes(1) }, nodeB);
        // Its LISTEN is up once its first idle sleep has begun; give it that moment.
        await Task.Delay(500);

        var sent = DateTimeOffset.UtcNow;
        await harness.Queue.EnqueueAsync(new Ping(1));

        var at = await handled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(at - sent < TimeSpan.FromSeconds(20), "woken by NOTIFY, not by the one-minute timer");
    }
}
