namespace ZeroLagHub.EventStore.Queue;

/// <summary>How a <see cref="MessageWorker"/> claims, handles, retries and stops.</summary>
public sealed record MessageWorkerOptions
{
    /// <summary>Stored as leased_by on the messages this worker holds; unique per worker across the cluster.</summary>
    public string WorkerId { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Most messages one claim takes.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Most handlers running at once in this worker; claims never take more than the free slots.</summary>
    public int MaxConcurrency { get; init; } = 32;

    /// <summary>
    /// How long a claim is exclusive without renewal. Handlers still running are renewed every third of
    /// it; a worker that dies holds its messages at most this long before another worker takes them.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries before a failing message is moved to the dead letters (≥ 1).</summary>
    public int MaxAttempts { get; init; } = 5;

    public RetryBackoff Backoff { get; init; } = RetryBackoff.Default;

    /// <summary>After the run is cancelled, how long in-flight handlers may finish before their leases are released.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Longest sleep with nothing due. The timer also wakes at the earliest scheduled delivery, so this
    /// only bounds how late a lost wake-up (or a clock step) is noticed.
    /// </summary>
    public TimeSpan MaxIdleWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long idempotency keys are remembered after their message was handled or discarded.</summary>
    public TimeSpan KeyRetention { get; init; } = TimeSpan.FromDays(7);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(WorkerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(Lease, TimeSpan.FromMilliseconds(300));
        ArgumentOutOfRangeException.ThrowIfLessThan(GracePeriod, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIdleWait, TimeSpan.FromMilliseconds(10));
        ArgumentOutOfRangeException.ThrowIfLessThan(KeyRetention, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(Backoff.Initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(Backoff.Max, Backoff.Initial);
    }
}
