using ZeroLagHub.EventStore.Daemon;
using ZeroLagHub.EventStore.Projections;

namespace ZeroLagHub.EventStore.Tests.Daemon;

/// <summary>A store, a daemon running in the background and the admin surface, over one test database.</summary>
public sealed class DaemonHarness : IAsyncDisposable
{
    public static readonly DaemonOptions FastOptions = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(200),
        LeaderRetry = TimeSpan.FromMilliseconds(200),
        RetryDelay = TimeSpan.FromMilliseconds(10),
        BatchSize = 100,
    };

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public DaemonHarness(EventStoreDatabase db, params IProjection[] projections) : this(db, FastOptions, projections) { }

    public DaemonHarness(EventStoreDatabase db, DaemonOptions options, params IProjection[] projections)
    {
        Signal = new CommitSignal(db.DataSource);
        Store = new PostgresEventStore(db.DataSource, TestEvents.Registry(), Signal,
            projections.Where(p => p.Lifecycle == ProjectionLifecycle.Inline));
        Admin = new ProjectionAdmin(db.DataSource, Store, Signal, projections);
        Daemon = new ProjectionDaemon(db.DataSource, Store, Signal, projections, options);
        Admin.EnsureAsync().GetAwaiter().GetResult();
        _running = Daemon.RunAsync(_stop.Token);
    }

    public CommitSignal Signal { get; }
    public PostgresEventStore Store { get; }
    public ProjectionAdmin Admin { get; }
    public ProjectionDaemon Daemon { get; }
    public Task Running => _running;

    /// <summary>Stops the daemon as a crash would: mid-batch work rolls back.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    /// <summary>Polls <paramref name="condition"/> until true or the timeout.</summary>
    public static async Task<bool> Eventually(Func<Task<bool>> condition, double seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(25);
        }
        return await condition();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }
}
