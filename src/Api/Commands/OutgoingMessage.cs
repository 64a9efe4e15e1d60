namespace ZeroLagHub.Api.Commands;

/// <summary>A durable message to send with the events, at once or at <paramref name="DeliverAt"/>.</summary>
/// <param name="Key">
/// When set, the message is sent only by the first transaction that commits with this key (kept a week):
/// a handler redelivered after its commit sends nothing twice. Null: sent every time.
/// </param>
public sealed record OutgoingMessage(object Message, DateTimeOffset? DeliverAt = null, string? Key = null);
