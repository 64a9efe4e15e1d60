namespace ZeroLagHub.Api.Commands;

/// <summary>A durable message to enqueue with the events; the key makes a re-enqueue by a retried handler harmless.</summary>
public sealed record OutgoingMessage(object Message, string IdempotencyKey, DateTimeOffset? DeliverAt = null);
