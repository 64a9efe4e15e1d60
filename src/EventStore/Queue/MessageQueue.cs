using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ZeroLagHub.EventStore.Notifications;
using ZeroLagHub.EventStore.Serialization;

namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// The producer side of the durable message queue (Wolverine's durable outbox): messages are rows in
/// <c>es.queue_messages</c>, written in the caller's transaction so that events and the commands they
/// cause commit together, and delivered at least once by <see cref="MessageWorker"/>s on any node.
/// </summary>
/// <remarks>
/// One instance per process: the workers built on it share its in-process wake-up signal.
/// Message types are named by <paramref name="types"/> exactly as events are (stable names, schema
/// versions, upcasters); it may be the event store's registry or one of its own.
/// </remarks>
public sealed class MessageQueue(NpgsqlDataSource dataSource, EventTypeRegistry types, ILogger<MessageQueue>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<MessageQueue>.Instance;
    private CoalescedNotify? _notifier;

    internal NpgsqlDataSource DataSource => dataSource;
    internal EventTypeRegistry Types => types;
    internal WakeUpSignal Signal { get; } = new();

    /// <summary>Sent as the NOTIFY payload, so this process's listeners skip the echo of its own enqueues.</summary>
    internal string NodeId { get; } = Guid.NewGuid().ToString("N");

    private CoalescedNotify Notifier => LazyInitializer.EnsureInitialized(ref _notifier,
        () => new CoalescedNotify(dataSource, QueueChannel.Name, NodeId, e => QueueLog.NotifyFailed(_logger, e)));

    /// <summary>
    /// Enqueues <paramref name="message"/> inside <paramref name="transaction"/>: it exists for workers
    /// only once that commits, and never if it rolls back. Call <see cref="Notify"/> after the commit.
    /// </summary>
    /// <param name="message">An instance of a type registered in the queue's <see cref="EventTypeRegistry"/>.</param>
    /// <param name="deliverAt">
    /// Not delivered before this instant as the database clock sees it (≈ 1 s precision); null: as soon
    /// as committed.
    /// </param>
    /// <param name="idempotencyKey">
    /// At most 200 characters. When a message with this key was enqueued before (and its key is still
    /// retained, see <see cref="MessageWorkerOptions.KeyRetention"/>), nothing is written and that
    /// message's id is returned, even if it was handled long ago.
    /// </param>
    /// <returns>The message's id, which every delivery of it carries (<see cref="Envelope{T}.Id"/>).</returns>
    /// <exception cref="ArgumentException">The message's type is not registered, or the key is blank or too long.</exception>
    public Task<Guid> EnqueueAsync(NpgsqlTransaction transaction, object message, DateTimeOffset? deliverAt = null,
        string? idempotencyKey = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var connection = transaction.Connection
            ?? throw new ArgumentException("the transaction has already committed or rolled back", nameof(transaction));
        return EnqueueMessage.ExecuteAsync(connection, transaction, types, message, deliverAt, idempotencyKey, ct);
    }

    /// <summary>
    /// Enqueues in a transaction of its own and wakes the workers; see the transactional overload for
    /// the parameters.
    /// </summary>
    public async Task<Guid> EnqueueAsync(object message, DateTimeOffset? deliverAt = null, string? idempotencyKey = null,
        CancellationToken ct = default)
    {
        Guid id;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
            id = await EnqueueMessage.ExecuteAsync(connection, null, types, message, deliverAt, idempotencyKey, ct);
        Notify();
        return id;
    }

    /// <summary>
    /// Wakes the workers after a transaction that enqueued has committed: one of this process's at once
    /// (it takes everything due, and wakes another if there is more), other nodes' through a
    /// <c>NOTIFY</c> sent in a transaction of its own. Cheap and safe to call often
    /// (notifications coalesce) or needlessly; forgetting it delays delivery by at most the workers'
    /// <see cref="MessageWorkerOptions.MaxIdleWait"/>.
    /// </summary>
    public void Notify()
    {
        Signal.Pulse();
        Notifier.Request();
    }
}
