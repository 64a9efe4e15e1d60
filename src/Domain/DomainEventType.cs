namespace ZeroLagHub.Domain;

/// <summary>An event's stable stored name and schema version. The name never changes once written.</summary>
public sealed record DomainEventType(string Name, int SchemaVersion, Type ClrType);
