namespace ZeroLagHub.EventStore.Serialization;

/// <summary>A stored payload's schema version cannot be brought to the current one.</summary>
public sealed class EventSchemaException(string message) : Exception(message);
