namespace ZeroLagHub.Api.Tests.Proxmox;

/// <summary>
/// Time that moves only when a test says so. Every timer created (Task.Delay with this provider makes
/// one) is recorded with its due time, so a test can read the backoff schedule without sleeping.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _pending = [];
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Every delay that was asked for, in order.</summary>
    public List<TimeSpan> Requested { get; } = [];

    public override DateTimeOffset GetUtcNow() { lock (_gate) return _now; }
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() { lock (_gate) return _now.UtcTicks; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Runs <paramref name="work"/> to completion, jumping time to each timer it waits on.</summary>
    public async Task<T> DriveAsync<T>(Task<T> work)
    {
        while (!work.IsCompleted)
        {
            ManualTimer? next;
            lock (_gate) next = _pending.OrderBy(t => t.Due).FirstOrDefault();
            if (next is null)
            {
                // The work is in an HTTP call, not waiting on time: let it run (real time, not measured).
                await Task.WhenAny(work, Task.Delay(5));
                continue;
            }
            Advance(next.Due - GetUtcNow());
        }
        return await work;
    }

    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_gate)
        {
            _now += by;
            due = _pending.Where(t => t.Due <= _now).ToList();
            foreach (var timer in due) _pending.Remove(timer);
        }
        foreach (var timer in due) timer.Fire();
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                owner._pending.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan) return true;
                owner.Requested.Add(dueTime);
                Due = owner._now + dueTime;
                owner._pending.Add(this);
            }
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() { lock (owner._gate) owner._pending.Remove(this); }
        public ValueTask DisposeAsync() { Dispose(); return ValueTask.CompletedTask; }
    }
}
