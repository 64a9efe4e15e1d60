namespace ZeroLagHub.Api.Operations.DeadLetters;

/// <summary>A message Wolverine gave up on (every retry failed, or it could not be read), as operators see it.</summary>
/// <param name="Id">The message's (envelope's) id: a replay delivers it again under this id.</param>
/// <param name="Type">Its message type name (<c>message.agent_command</c>…).</param>
/// <param name="SchemaVersion">Always 1: Wolverine names a message's version in its type name.</param>
/// <param name="Data">The payload as sent (JSON text).</param>
/// <param name="EnqueuedAt">When it was sent.</param>
/// <param name="Attempts">Deliveries it got before it was dead-lettered.</param>
/// <param name="Error">The last failure: exception type and message.</param>
/// <param name="FailedAt">
/// The keyset of the list's order. Wolverine's dead-letter table keeps no failure time, so this is the send
/// time (as <paramref name="EnqueuedAt"/>): the list is oldest message first.
/// </param>
/// <param name="IdempotencyKey">Always null: kept in the answer's shape for the clients of the previous queue.</param>
public sealed record DeadLetter(Guid Id, string Type, int SchemaVersion, string Data, DateTimeOffset EnqueuedAt, int Attempts, string Error,
    DateTimeOffset FailedAt, string? IdempotencyKey);
