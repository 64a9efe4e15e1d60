namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// Wakes ONE waiting worker per <see cref="Pulse"/>, and none while a woken worker has not yet started
/// looking: its look will see whatever the pulse announced. A pulse that finds nobody waiting is kept
/// for the next waiter, so it is never lost.
/// </summary>
/// <remarks>
/// Protocol: a worker registers (<see cref="Register"/>) BEFORE it looks for work and disposes the
/// registration right before its next look. A pulse means "something committed before now"; while a
/// woken registration is not yet disposed, its worker's next look starts after that pulse, so further
/// pulses have nothing to add and are dropped. A pulse landing while the worker is mid-look completes
/// its registration, so it looks once more.
/// NOTE: broadcasting to every worker was measured first: with four workers in a process, every
/// enqueue caused about one claim per worker, most of them empty, costing more than the enqueues
/// themselves. One woken worker claims everything due up to a batch; when it gets a full batch it
/// pulses again, so more workers join exactly when there is more work (see MessageWorker).
/// </remarks>
internal sealed class WakeUpSignal
{
    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource> _waiters = new();
    // Woken registrations not yet disposed (a kept pulse counts as one): while any exists, pulses are redundant.
    private int _woken;
    private bool _pending;

    public Registration Register()
    {
        lock (_lock)
        {
            // Asynchronous continuations: Pulse runs on enqueuers' and handlers' threads, which must
            // not end up running a worker's claim loop inline.
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_pending)
            {
                // The kept pulse's count passes to this registration.
                _pending = false;
                waiter.SetResult();
            }
            else
            {
                _waiters.Enqueue(waiter);
            }
            return new Registration(this, waiter);
        }
    }

    public void Pulse()
    {
        lock (_lock)
        {
            if (_woken > 0) return;
            _woken++;
            // Registrations disposed unwoken are cancelled and skipped here.
            while (_waiters.TryDequeue(out var waiter))
                if (waiter.TrySetResult()) return;
            _pending = true;
        }
    }

    /// <summary>A worker's place in line. Dispose it right before looking for work again; disposing twice is harmless.</summary>
    public sealed class Registration(WakeUpSignal signal, TaskCompletionSource waiter) : IDisposable
    {
        private bool _disposed;

        public Task Woken => waiter.Task;

        public void Dispose()
        {
            lock (signal._lock)
            {
                if (_disposed) return;
                _disposed = true;
                if (waiter.Task.IsCompletedSuccessfully) signal._woken--;
                else waiter.TrySetCanceled();
            }
        }
    }
}
