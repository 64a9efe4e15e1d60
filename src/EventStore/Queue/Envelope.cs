namespace ZeroLagHub.EventStore.Queue;

/// <summary>One delivery of a message to its handler.</summary>
/// <param name="Id">
/// The message's stable id, the same on every delivery of it (retries, lease expiry, replay from the
/// dead letters). Pass it on as the command id of whatever the handler causes, so a repeated delivery
/// has the effect of the first.
/// </param>
/// <param name="Type">The message's stored type name (from the <see cref="Serialization.EventTypeRegistry"/>).</param>
/// <param name="Attempt">1 on the first delivery, then one more per delivery; a replay starts again at 1.</param>
/// <param name="EnqueuedAt">When the enqueuing transaction started, on the database clock.</param>
/// <param name="Message">The message, deserialized (and upcast) to the registered CLR type.</param>
public sealed record Envelope<T>(Guid Id, string Type, int Attempt, DateTimeOffset EnqueuedAt, T Message);
