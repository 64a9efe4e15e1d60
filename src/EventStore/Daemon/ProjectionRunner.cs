using Npgsql;
using ZeroLagHub.EventStore.Daemon.Coordination;
using ZeroLagHub.EventStore.Daemon.Progress;
using ZeroLagHub.EventStore.Daemon.Rebuild;
using ZeroLagHub.EventStore.Projections;
using ZeroLagHub.EventStore.Reading;

namespace ZeroLagHub.EventStore.Daemon;

/// <summary>
/// Runs one projection on whichever node holds its leader lock. The leader loop:
/// <list type="number">
/// <item>take the lock (else retry later: another node leads);</item>
/// <item>for each running generation (the live one unless the projection is inline, and one being
/// rebuilt), read the next batch of the gap-free log after its checkpoint and apply it;</item>
/// <item>when a rebuilt generation finds nothing left to read, swap it in;</item>
/// <item>when nothing was read, sleep until a commit signal or the poll interval.</item>
/// </list>
/// A batch that keeps failing is retried event by event; the event that still fails stops the
/// generation as faulted at its position. Nothing is skipped unless an operator says so.
/// </summary>
internal sealed class ProjectionRunner(
    IProjection projection, PostgresEventStore store, NpgsqlDataSource dataSource, CommitSignal signal, DaemonOptions options)
{
    public string Name => projection.Name;

    /// <summary>True while this runner holds the projection's leader lock.</summary>
    public bool IsLeader { get; private set; }

    /// <summary>The last error that made this runner step down, for operators.</summary>
    public string? LastError { get; private set; }

    /// <summary>The backend pid holding the lock while this runner leads (0 otherwise).</summary>
    public int LeaderBackendPid { get; private set; }

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await using var leader = await TryLead(stop);
            if (leader is null)
            {
                await Sleep(options.LeaderRetry, stop);
                continue;
            }

            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stop, leader.Lost);
            (IsLeader, LeaderBackendPid) = (true, leader.BackendPid);
            try
            {
                await LeadAsync(leading.Token);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                // The lock's connection died: another node may lead now. Try to take it back.
            }
            catch (CheckpointMovedException)
            {
                // Someone else moved the checkpoint: we were not the only leader. Start over.
            }
            catch (Exception e) when (!stop.IsCancellationRequested && e is not OperationCanceledException)
            {
                // Database unreachable, or a bug outside one event's apply: never let the runner end.
                // Step down, pause, lead again.
                LastError = $"{e.GetType().Name}: {e.Message}";
                await leader.DisposeAsync();
                await Sleep(options.LeaderRetry, stop);
            }
            finally
            {
                (IsLeader, LeaderBackendPid) = (false, 0);
            }
        }
    }

    private async Task<LeaderLock?> TryLead(CancellationToken stop)
    {
        try
        {
            return await LeaderLock.TryAcquireAsync(dataSource, projection.Name, options, signal, stop);
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    private async Task LeadAsync(CancellationToken ct)
    {
        await EnsureProjection.ExecuteAsync(dataSource, projection, ct);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var wake = signal.Next();
            var worked = false;
            foreach (var generation in await LoadGenerations.ExecuteAsync(dataSource, projection.Name, ct))
            {
                if (!generation.IsRunning || (generation.IsLive && projection.Lifecycle == ProjectionLifecycle.Inline)) continue;
                var applied = await StepAsync(generation, ct);
                worked |= applied > 0;
                if (applied == 0 && !generation.IsLive)
                    worked |= await TrySwap(generation, ct);
            }
            if (!worked) await Sleep(wake, options.PollInterval, ct);
        }
    }

    /// <summary>
    /// Swaps a caught-up generation in. An inline projection's last events are applied inside the swap:
    /// if one of them fails, the rebuilt generation is faulted (the live one keeps serving).
    /// </summary>
    private async Task<bool> TrySwap(GenerationProgress generation, CancellationToken ct)
    {
        try
        {
            return await SwapGeneration.ExecuteAsync(dataSource, store, projection, generation, ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or CheckpointMovedException) && !IsOutage(e))
        {
            await Fault(generation, e, ct);
            return true;
        }
    }

    /// <summary>Reads and applies the next batch of one generation; returns how many events it applied.</summary>
    private async Task<int> StepAsync(GenerationProgress generation, CancellationToken ct)
    {
        var events = await ReadOrFault(generation, generation.IsLive ? options.BatchSize : options.RebuildBatchSize, ct);
        if (events is null || events.Count == 0) return 0;
        if (await TryApply(generation, events, ct) is null) return events.Count;

        // The batch keeps failing: find the event that does, applying the ones before it one by one.
        var checkpoint = generation;
        foreach (var e in events)
        {
            if (await TryApply(checkpoint, [e], ct) is { } error)
            {
                await Fault(checkpoint, error, ct);
                break;
            }
            checkpoint = checkpoint with { Checkpoint = e.LogPosition };
        }
        return 1; // progress or a new fault: either way, look again at once
    }

    private async Task<IReadOnlyList<StoredEvent>?> ReadOrFault(GenerationProgress generation, int batchSize, CancellationToken ct)
    {
        try
        {
            return (await store.ReadAllAsync(generation.Checkpoint, batchSize, ct)).Events;
        }
        catch (Exception e) when (e is not OperationCanceledException && !IsOutage(e))
        {
            // A payload this build cannot read (unknown type, failed upcast): narrow down to the one event.
            if (batchSize > 1) return await ReadOrFault(generation, 1, ct);
            await Fault(generation, e, ct);
            return null;
        }
    }

    /// <returns>null when applied; the last error after every attempt failed.</returns>
    private async Task<Exception?> TryApply(GenerationProgress generation, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        Exception? last = null;
        var delay = options.RetryDelay;
        for (var attempt = 1; attempt <= options.MaxAttempts; attempt++)
        {
            try
            {
                await ApplyBatch.ExecuteAsync(dataSource, projection, generation, events, ct);
                return null;
            }
            catch (Exception e) when (e is not (OperationCanceledException or CheckpointMovedException) && !IsOutage(e))
            {
                last = e;
                if (attempt < options.MaxAttempts) await Task.Delay(delay, ct);
                delay *= 2;
            }
        }
        return last;
    }

    private async Task Fault(GenerationProgress generation, Exception error, CancellationToken ct)
    {
        var next = await PeekNextEvent.ExecuteAsync(dataSource, generation.Checkpoint, ct)
            ?? throw new InvalidOperationException("a projection failed with no event left to blame", error);
        await MarkFaulted.ExecuteAsync(dataSource, generation,
            new ProjectionFault(next, $"{error.GetType().Name}: {error.Message}", options.MaxAttempts, DateTimeOffset.UtcNow), ct);
    }

    /// <summary>
    /// The database being away or overloaded is not the event's fault: step down and retry later instead
    /// of faulting. Permanent errors the server raised (a constraint, bad SQL in the projection) are.
    /// </summary>
    private static bool IsOutage(Exception e) =>
        e is NpgsqlException and not PostgresException                // the connection itself failed
        || e is NpgsqlException { IsTransient: true };                 // server shutting down, too many connections, deadlock…

    private static async Task Sleep(TimeSpan delay, CancellationToken ct) => await Task.Delay(delay, ct);

    private static async Task Sleep(Task wake, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await wake.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
    }
}
