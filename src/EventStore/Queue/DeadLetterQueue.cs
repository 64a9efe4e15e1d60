namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// What operators do with messages the workers gave up on: list them, replay them (back into the queue
/// under the same id, attempts reset) or discard them.
/// </summary>
public sealed class DeadLetterQueue(MessageQueue queue)
{
    /// <summary>Dead letters by time of failure, oldest first.</summary>
    /// <param name="type">Only this stored message type; null for all.</param>
    /// <param name="after">The last item of the previous page; null for the first page.</param>
    /// <param name="maxCount">Page size, 1..1000.</param>
    public Task<IReadOnlyList<DeadLetter>> ListAsync(string? type = null, DeadLetter? after = null, int maxCount = 100,
        CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, 1000);
        return ListDeadLetters.ExecuteAsync(queue.DataSource, type, after, maxCount, ct);
    }

    /// <summary>Puts the dead letter back into the queue, due now, and wakes the workers.</summary>
    /// <returns>False when there is no dead letter with this id (e.g. already replayed or discarded).</returns>
    public async Task<bool> ReplayAsync(Guid id, CancellationToken ct = default)
    {
        var replayed = await ReplayDeadLetter.ExecuteAsync(queue.DataSource, id, ct);
        if (replayed) queue.Notify();
        return replayed;
    }

    /// <summary>Deletes the dead letter for good.</summary>
    /// <returns>False when there is no dead letter with this id.</returns>
    public Task<bool> DiscardAsync(Guid id, CancellationToken ct = default) => DiscardDeadLetter.ExecuteAsync(queue.DataSource, id, ct);
}
