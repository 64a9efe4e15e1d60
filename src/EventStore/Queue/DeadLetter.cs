namespace ZeroLagHub.EventStore.Queue;

/// <summary>A message that was given up on, as an operator sees it.</summary>
/// <param name="Id">The message's id; a replay delivers it again under the same id.</param>
/// <param name="Data">The stored JSON payload, as enqueued (not upcast).</param>
/// <param name="Attempts">Deliveries made before it was given up (1 for an undeliverable message).</param>
/// <param name="Error">Why the last delivery failed: the handler's exception, or why it could not be delivered at all.</param>
public sealed record DeadLetter(
    Guid Id,
    string Type,
    int SchemaVersion,
    string Data,
    DateTimeOffset EnqueuedAt,
    int Attempts,
    string Error,
    DateTimeOffset FailedAt,
    string? IdempotencyKey);
