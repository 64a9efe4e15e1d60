namespace ZeroLagHub.Api.Commands;

/// <summary>A durable message to send with the events, at once or at <paramref name="DeliverAt"/>.</summary>
public sealed record OutgoingMessage(object Message, DateTimeOffset? DeliverAt = null);
