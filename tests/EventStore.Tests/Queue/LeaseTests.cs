using System.Collections.Concurrent;
using ZeroLagHub.EventStore.Queue;

namespace ZeroLagHub.EventStore.Tests.Queue;

public sealed class LeaseTests(EventStoreDatabase db) : IClassFixture<EventStoreDatabase>
{
    [Fact]
    public async Task MessageOfAWorkerThatDiedIsRedeliveredWithTheSameIdAfterItsLease()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        var id = await harness.Queue.EnqueueAsync(new Ping(1));

        // What a worker killed mid-message leaves behind: its claim, and nothing else.
        var claimedAt = DateTimeOffset.UtcNow;
        var claim = await ClaimMessages.ExecuteAsync(db.DataSource, "killed-node", 10, TimeSpan.FromSeconds(2), CancellationToken.None);
        Assert.Equal(id, Assert.Single(claim.Messages).Id);

        var handled = new TaskCompletionSource<(Envelope<Ping> Envelope, DateTimeOffset At)>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Start(new MessageHandlers().Register<Ping>((e, _) => { handled.TrySetResult((e, DateTimeOffset.UtcNow)); return Task.CompletedTask; }),
            QueueHarness.FastOptions("survivor"));

        var (envelope, at) = await handled.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(id, envelope.Id);
        Assert.Equal(2, envelope.Attempt);
        Assert.True(at - claimedAt >= TimeSpan.FromSeconds(2), "not taken from the dead worker before its lease ran out");
    }

    [Fact]
    public async Task HandlerSlowerThanTheLeaseKeepsItsMessageWhileItRuns()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        var deliveries = new ConcurrentQueue<string>();
        MessageHandlers Slow(string worker) => new MessageHandlers().Register<Ping>(async (_, ct) =>
        {
            deliveries.Enqueue(worker);
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
        });
        // A one-second lease, renewed every third of a second while the 3 s handler runs.
        var options = QueueHarness.FastOptions("a") with { Lease = TimeSpan.FromSeconds(1) };
        harness.Start(Slow("a"), options);
        await harness.Queue.EnqueueAsync(new Ping(1));
        await QueueHarness.EventuallyAsync(() => !deliveries.IsEmpty, "the first worker starts the message");
        harness.Start(Slow("b"), options with { WorkerId = "b" });

        await QueueHarness.EventuallyAsync(async () => await harness.CountAsync("queue_messages") == 0, "the message is handled");
        Assert.Equal(["a"], deliveries);
    }

    [Fact]
    public async Task StoppingWorkerReleasesTheLeaseOfAHandlerThatOutlivesTheGracePeriod()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuck = new TaskCompletionSource();
        // Ignores its cancellation token: the worker must stop without it.
        var a = harness.Start(new MessageHandlers().Register<Ping>((_, _) => { started.TrySetResult(); return stuck.Task; }),
            QueueHarness.FastOptions("a") with { Lease = TimeSpan.FromMinutes(5), GracePeriod = TimeSpan.FromMilliseconds(300) });
        var id = await harness.Queue.EnqueueAsync(new Ping(1));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20));

        await a.StopAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(true, await db.ScalarAsync(
            "SELECT lease_until <= now() AND leased_by IS NULL AND attempts = 0 FROM es.queue_messages"));
        // Due at once, not after the five-minute lease.
        var handled = new TaskCompletionSource<Envelope<Ping>>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Start(new MessageHandlers().Register<Ping>((e, _) => { handled.TrySetResult(e); return Task.CompletedTask; }),
            QueueHarness.FastOptions("b"));
        var envelope = await handled.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(id, envelope.Id);
        Assert.Equal(1, envelope.Attempt);
    }

    [Fact]
    public async Task StoppingWorkerLetsARunningHandlerFinishWithinTheGracePeriod()
    {
        await using var harness = await QueueHarness.CreateAsync(db);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = false;
        var a = harness.Start(new MessageHandlers().Register<Ping>(async (_, _) =>
            {
                started.TrySetResult();
                await release.Task;
                finished = true;
            }),
            QueueHarness.FastOptions("a") with { GracePeriod = TimeSpan.FromSeconds(30) });
        await harness.Queue.EnqueueAsync(new Ping(1));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20));

        var stopping = a.StopAsync();
        await Task.Delay(200);
        Assert.False(stopping.IsCompleted, "the worker waits for its running handler");
        release.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(finished);
        Assert.Equal(0, await harness.CountAsync("queue_messages"));
    }
}
