namespace ZeroLagHub.EventStore.Queue;

/// <summary>
/// The handler of each message type, one per CLR type. A handler that returns normally has handled the
/// message; one that throws fails this delivery (retried with backoff, then dead-lettered).
/// </summary>
/// <remarks>
/// Delivery is at least once: a handler may see the same <see cref="Envelope{T}.Id"/> again after a
/// failure, a lease expiry or a replay, and must make that harmless (e.g. pass the id on as a command id).
/// The cancellation token fires when the worker's shutdown grace period ends, not when shutdown starts.
/// </remarks>
public sealed class MessageHandlers
{
    private readonly Dictionary<Type, Func<ClaimedMessage, object, CancellationToken, Task>> _byType = [];

    /// <summary>Registers the handler for messages of type <typeparamref name="T"/> (registered in the queue's type registry too).</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> already has a handler.</exception>
    public MessageHandlers Register<T>(Func<Envelope<T>, CancellationToken, Task> handler) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (!_byType.TryAdd(typeof(T), (claimed, message, ct) =>
                handler(new Envelope<T>(claimed.Id, claimed.Type, claimed.Attempt, claimed.EnqueuedAt, (T)message), ct)))
            throw new ArgumentException($"{typeof(T).Name} already has a handler");
        return this;
    }

    internal IEnumerable<Type> Types => _byType.Keys;

    internal Func<ClaimedMessage, object, CancellationToken, Task>? For(Type messageType) => _byType.GetValueOrDefault(messageType);
}
