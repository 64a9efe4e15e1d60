namespace ZeroLagHub.Bench.Queue;

/// <summary>
/// What the handlers completed: a count to wait on and the sent → handled latencies. Handlers run on
/// many threads at once; one lock is cheap next to the database round trips behind each message.
/// </summary>
public sealed class QueueCompletions
{
    private readonly Lock _lock = new();
    private LatencyRecorder _latencies = new();
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Record(long sentAt)
    {
        lock (_lock) _latencies.RecordSince(sentAt);
        Interlocked.Increment(ref _count);
    }

    /// <summary>The latencies recorded since the last call.</summary>
    internal LatencyRecorder TakeLatencies()
    {
        lock (_lock)
        {
            var taken = _latencies;
            _latencies = new LatencyRecorder();
            return taken;
        }
    }
}
