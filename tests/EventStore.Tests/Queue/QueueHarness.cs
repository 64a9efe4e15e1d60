using System.Diagnostics;
using ZeroLagHub.EventStore.Queue;
using ZeroLagHub.EventStore.Serialization;

namespace ZeroLagHub.EventStore.Tests.Queue;

public sealed record Ping(int N);
public sealed record Fail(string Reason);
public sealed record Unhandled(string Note);

/// <summary>
/// One test's queue on the class's database: starts from empty tables, runs workers in the background
/// and stops every one it started when disposed.
/// </summary>
internal sealed class QueueHarness : IAsyncDisposable
{
    private readonly List<RunningWorker> _workers = [];

    private QueueHarness(EventStoreDatabase db, EventTypeRegistry types)
    {
        Db = db;
        Types = types;
        Queue = new MessageQueue(db.DataSource, types);
        DeadLetters = new DeadLetterQueue(Queue);
    }

    public EventStoreDatabase Db { get; }
    public EventTypeRegistry Types { get; }
    public MessageQueue Queue { get; }
    public DeadLetterQueue DeadLetters { get; }

    /// <summary>Short leases and backoffs so retries and expiries happen within a test's seconds.</summary>
    public static MessageWorkerOptions FastOptions(string workerId) => new()
    {
        WorkerId = workerId,
        Lease = TimeSpan.FromSeconds(5),
        Backoff = new RetryBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2)),
        GracePeriod = TimeSpan.FromSeconds(2),
    };

    public static EventTypeRegistry MessageTypes() => new EventTypeRegistry()
        .Register<Ping>("test.ping")
        .Register<Fail>("test.fail")
        .Register<Unhandled>("test.unhandled");

    public static async Task<QueueHarness> CreateAsync(EventStoreDatabase db, EventTypeRegistry? types = null)
    {
        // Test classes share one database per class, so each test starts from an empty queue.
        await db.ScalarAsync("TRUNCATE es.queue_messages, es.queue_dead_letters, es.queue_keys");
        return new QueueHarness(db, types ?? MessageTypes());
    }

    /// <summary>A second node: its own queue instance, hence no in-process signal shared with this one.</summary>
    public MessageQueue OtherNode() => new(Db.DataSource, Types);

    public RunningWorker Start(MessageHandlers handlers, MessageWorkerOptions options, MessageQueue? queue = null)
    {
        var worker = new MessageWorker(queue ?? Queue, handlers, options);
        var stop = new CancellationTokenSource();
        var running = new RunningWorker(worker, stop, Task.Run(() => worker.RunAsync(stop.Token)));
        _workers.Add(running);
        return running;
    }

    public async Task<long> CountAsync(string table) => (long)(await Db.ScalarAsync($"SELECT count(*) FROM es.{table}"))!;

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit) Assert.Fail($"not within {limit.TotalSeconds} s: {what}");
            await Task.Delay(20);
        }
    }

    public static Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        EventuallyAsync(() => Task.FromResult(condition()), what, timeout);

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers) await worker.StopAsync();
    }
}

internal sealed record RunningWorker(MessageWorker Worker, CancellationTokenSource Stop, Task Run)
{
    /// <summary>Cancels the run and waits for the worker's graceful shutdown to finish.</summary>
    public async Task StopAsync()
    {
        await Stop.CancelAsync();
        await Run;
    }
}
