using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// The consumer side of the durable message queue (Wolverine's durable inbox): claims due messages in
/// batches under a lease, runs their handlers, and writes their outcomes in batches. Any number of
/// workers, in one process or on many nodes, share one queue.
/// </summary>
/// <remarks>
/// Steps of <see cref="RunAsync"/>:
/// <list type="number">
/// <item>Listen for other nodes' NOTIFY (best effort; the timer covers its gaps).</item>
/// <item>Write outcomes in the background, as many per round trip as have piled up (lingering 2 ms
///   for handlers still running).</item>
/// <item>Renew the leases of running handlers every third of a lease; purge old idempotency keys.</item>
/// <item>Claim while handler slots are free; start each message's handler. With nothing due, sleep
///   until a wake-up (this process's enqueue, another node's NOTIFY, a free slot) or the earliest
///   scheduled delivery, at most <see cref="MessageWorkerOptions.MaxIdleWait"/>.</item>
/// <item>On cancellation: stop claiming, give running handlers the grace period, then cancel them and
///   release their leases so another worker takes them at once.</item>
/// <item>Write the last outcomes, stop listening and renewing.</item>
/// </list>
/// Delivery is at least once: a worker that dies mid-message leaves it leased, and another worker
/// takes it, same id, when the lease runs out.
/// </remarks>
public sealed class MessageWorker
{
    private const int MaxOutcomesPerWrite = 1000;
    private static readonly TimeSpan OutcomeLinger = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan KeyPurgeInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxErrorBackoff = TimeSpan.FromSeconds(5);
    private const int WritesTriedWhileStopping = 3;

    private readonly MessageQueue _queue;
    private readonly MessageWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MessageDispatcher _dispatcher;
    // Claims whose handler is running; the count is the number of busy slots.
    private readonly ConcurrentDictionary<LeaseRef, byte> _running = new();
    private readonly Channel<MessageOutcome> _outcomes = Channel.CreateUnbounded<MessageOutcome>(new() { SingleReader = true });
    private readonly WakeUpSignal _slotFreed = new();
    private volatile bool _stopping;
    private int _started;

    /// <param name="queue">The process's queue: the worker shares its database, type registry and wake-up signal.</param>
    /// <param name="time">Timers (idle wait, renewal period, grace period, error backoff); the system clock when null.</param>
    /// <exception cref="ArgumentException">A handler's message type is not registered in the queue's registry, or an option is out of range.</exception>
    public MessageWorker(MessageQueue queue, MessageHandlers handlers, MessageWorkerOptions? options = null, TimeProvider? time = null,
        ILogger<MessageWorker>? logger = null)
    {
        _queue = queue;
        _options = options ?? new MessageWorkerOptions();
        _options.Validate();
        var unregistered = handlers.Types.FirstOrDefault(t => !queue.Types.IsRegistered(t));
        if (unregistered is not null)
            throw new ArgumentException($"{unregistered.FullName} has a handler but no name: register it in the queue's EventTypeRegistry");
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<MessageWorker>.Instance;
        _dispatcher = new MessageDispatcher(queue.Types, handlers, _options, _logger);
    }

    public string WorkerId => _options.WorkerId;

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> is cancelled, then shuts down gracefully (see the
    /// remarks) and returns. Database outages are waited out, not thrown. Call once per instance.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) throw new InvalidOperationException("a MessageWorker runs once; create another");

        using var background = new CancellationTokenSource();
        using var handlerStop = new CancellationTokenSource();
        // :: Step 1
        var listener = QueueListener.RunAsync(_queue.DataSource, _queue.NodeId, _queue.Signal.Pulse, WorkerId, _logger, _time, background.Token);
        // :: Step 2
        var writer = WriteOutcomesAsync();
        // :: Step 3
        var maintenance = MaintainAsync(background.Token);
        try
        {
            // :: Step 4
            await ClaimAndDispatchAsync(handlerStop.Token, stoppingToken);
        }
        finally
        {
            _stopping = true;
            // :: Step 5
            await DrainAsync(handlerStop);
            // :: Step 6
            _outcomes.Writer.TryComplete();
            await writer;
            await background.CancelAsync();
            await Task.WhenAll(listener, maintenance);
        }
    }

    private async Task ClaimAndDispatchAsync(CancellationToken handlerStop, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var limit = Math.Min(_options.MaxConcurrency - _running.Count, _options.BatchSize);
            if (limit <= 0)
            {
                using var slotFreed = _slotFreed.Register();
                if (_running.Count >= _options.MaxConcurrency) await SleepAsync(slotFreed.Woken, _options.MaxIdleWait, stoppingToken);
                continue;
            }

            // Registered before looking, so a wake-up arriving while we look is not lost (see WakeUpSignal).
            using var woken = _queue.Signal.Register();

            ClaimResult claim;
            try
            {
                // Not cancellable: a claim cancelled after the server committed it would strand its
                // messages until their lease ran out. It is one short statement.
                claim = await ClaimMessages.ExecuteAsync(_queue.DataSource, WorkerId, limit, _options.Lease, CancellationToken.None);
                failures = 0;
            }
            catch (Exception e) when (IsTransient(e))
            {
                var retryIn = ErrorBackoff(++failures);
                QueueLog.ClaimFailed(_logger, WorkerId, retryIn, e);
                await DelayAsync(retryIn, stoppingToken);
                continue;
            }

            foreach (var message in claim.Messages) Start(message, handlerStop);
            if (claim.Messages.Count == limit)
            {
                // A full batch: more may be due right now. Look again, and wake another worker to help
                // (leaving the line first, or the pulse could wake this very registration).
                woken.Dispose();
                _queue.Signal.Pulse();
                continue;
            }

            // A little past the due time, so the next claim's now() has surely reached it.
            var sleep = claim.NextDueIn is { } next && next < _options.MaxIdleWait ? next + TimeSpan.FromMilliseconds(5) : _options.MaxIdleWait;
            await SleepAsync(woken.Woken, sleep, stoppingToken);
        }
    }

    private void Start(ClaimedMessage message, CancellationToken handlerStop)
    {
        var lease = new LeaseRef(message.Id, message.Attempt);
        _running[lease] = 0;
        // Task.Run: a handler that blocks before its first await must not stall the claim loop.
        _ = Task.Run(async () =>
        {
            try
            {
                var outcome = await _dispatcher.DeliverAsync(message, handlerStop);
                if (outcome is not null) _outcomes.Writer.TryWrite(outcome);
            }
            finally
            {
                // Even on a bug in the dispatcher: a message left in _running would be renewed forever.
                _running.TryRemove(lease, out _);
                _slotFreed.Pulse();
            }
        }, CancellationToken.None);
    }

    private async Task DrainAsync(CancellationTokenSource handlerStop)
    {
        var graceOver = Task.Delay(_options.GracePeriod, _time);
        while (!graceOver.IsCompleted)
        {
            using var slotFreed = _slotFreed.Register();
            if (_running.IsEmpty) return;
            await Task.WhenAny(slotFreed.Woken, graceOver);
        }

        // Taken before cancelling: a handler that gives up on cancellation removes itself and writes no
        // outcome, so it must already be in the list of leases to release.
        var abandoned = _running.Keys.ToArray();
        await handlerStop.CancelAsync();
        if (abandoned.Length == 0) return;
        try
        {
            await ReleaseLeases.ExecuteAsync(_queue.DataSource, WorkerId, abandoned, CancellationToken.None);
            QueueLog.LeasesReleased(_logger, WorkerId, abandoned.Length);
        }
        catch (Exception e) when (IsTransient(e))
        {
            // The leases then run out by themselves.
            QueueLog.OutcomesDropped(_logger, WorkerId, abandoned.Length);
        }
    }

    private async Task WriteOutcomesAsync()
    {
        var reader = _outcomes.Reader;
        var batch = new List<MessageOutcome>();
        while (await reader.WaitToReadAsync())
        {
            // Handlers of one claimed batch tend to finish together: waiting a moment for the others
            // writes their outcomes in one round trip instead of one each. It only delays the delete of
            // messages already handled, never a delivery.
            if (!_running.IsEmpty && !_stopping) await Task.Delay(OutcomeLinger, _time);
            while (batch.Count < MaxOutcomesPerWrite && reader.TryRead(out var outcome)) batch.Add(outcome);
            for (var failures = 1; ; failures++)
            {
                try
                {
                    var stale = await CompleteMessages.ExecuteAsync(_queue.DataSource, WorkerId, batch, CancellationToken.None);
                    if (stale > 0) QueueLog.StaleOutcomes(_logger, WorkerId, stale);
                    break;
                }
                catch (Exception e) when (IsTransient(e))
                {
                    if (_stopping && failures >= WritesTriedWhileStopping)
                    {
                        QueueLog.OutcomesDropped(_logger, WorkerId, batch.Count);
                        break;
                    }
                    // Meanwhile the messages stay leased (and are not renewed): past the lease they are
                    // delivered again, which at-least-once allows.
                    var retryIn = ErrorBackoff(failures);
                    QueueLog.CompleteFailed(_logger, WorkerId, batch.Count, retryIn, e);
                    await Task.Delay(retryIn, _time);
                }
            }
            batch.Clear();
        }
    }

    private async Task MaintainAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.Lease / 3, _time);
        var lastPurge = _time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    var held = _running.Keys.ToArray();
                    if (held.Length > 0)
                    {
                        var renewed = await RenewLeases.ExecuteAsync(_queue.DataSource, WorkerId, held, _options.Lease, CancellationToken.None);
                        foreach (var lost in held.Where(l => !renewed.Contains(l.Id) && _running.ContainsKey(l)))
                            QueueLog.LeaseLost(_logger, WorkerId, lost.Id, lost.Attempt);
                    }
                    if (_time.GetElapsedTime(lastPurge) >= KeyPurgeInterval)
                    {
                        lastPurge = _time.GetTimestamp();
                        await PurgeIdempotencyKeys.ExecuteAsync(_queue.DataSource, _options.KeyRetention, ct);
                    }
                }
                catch (Exception e) when (IsTransient(e))
                {
                    QueueLog.MaintenanceFailed(_logger, WorkerId, e);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Returns when <paramref name="wake"/> completes, <paramref name="timeout"/> passes or <paramref name="ct"/> fires.</summary>
    private async Task SleepAsync(Task wake, TimeSpan timeout, CancellationToken ct)
    {
        if (wake.IsCompleted || ct.IsCancellationRequested) return;
        using var sleep = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var timer = Task.Delay(timeout, _time, sleep.Token);
        await Task.WhenAny(wake, timer);
        await sleep.CancelAsync();
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try { await Task.Delay(delay, _time, ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private static TimeSpan ErrorBackoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxErrorBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 10))));

    // The database being away is expected and waited out; anything else is a bug and ends the run.
    private static bool IsTransient(Exception e) => e is DbException or TimeoutException;
}
