namespace ZeroLagHub.Api.Storage.LegacyEvents;

/// <summary>A stored payload's schema version cannot be brought to the current one.</summary>
public sealed class EventSchemaException(string message) : Exception(message);
