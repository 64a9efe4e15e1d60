namespace ZeroLagHub.EventStore.Daemon;

/// <summary>Tuning of the projection daemon. The defaults suit production; tests shorten them.</summary>
public sealed record DaemonOptions
{
    /// <summary>Events read and applied per transaction.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>
    /// Events per transaction for a generation being rebuilt: larger, because a rebuild is throughput
    /// bound and each batch has a fixed cost (lookup, checkpoint fence, commit).
    /// </summary>
    public int RebuildBatchSize { get; init; } = 2000;

    /// <summary>Re-check without a signal at least this often (a lost NOTIFY, a transaction that held the horizon).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a follower tries to take over leadership of a projection.</summary>
    public TimeSpan LeaderRetry { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Attempts at one batch (and then at one event) before the projection is marked faulted.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Pause before the first retry; doubled after each failure.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Server-side TCP timeouts for the leader's dedicated connection, in seconds: a dead leader's
    /// advisory lock is freed after about idle + interval × count, not after the kernel's two hours.
    /// </summary>
    public int KeepAliveIdleSeconds { get; init; } = 5;
    public int KeepAliveIntervalSeconds { get; init; } = 2;
    public int KeepAliveCount { get; init; } = 3;

    /// <summary>How often the leader proves its connection alive; a failed check stops it at once.</summary>
    public TimeSpan LeaderCheckInterval { get; init; } = TimeSpan.FromSeconds(1);
}
